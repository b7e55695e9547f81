/**
 * Config resolution shared by the detectors: a complete base config (a preset) plus a partial
 * override object (a `--config` JSON file, CLI flags) → a validated config. Bad input throws
 * one line `<source>: <field>: <problem>`.
 */
import { UserError } from '@apdet/io';
import { z } from 'zod';
import { describeValue } from './describe-value.js';
import { parseWithSchema } from './schema-error.js';

/** A partial override of a config: sections are partial, arrays and plain fields are whole. */
export type ConfigOverrides<C> = {
  [K in keyof C]?: C[K] extends unknown[] ? C[K] : C[K] extends object ? Partial<C[K]> : C[K];
};

/**
 * Applies `overrides` to `base` and validates the result with `schema`. Sections (fields whose
 * schema is an object) are merged field by field; every other field, arrays included, is
 * replaced. Unknown top-level or section fields throw a {@link UserError} that names the field
 * and lists the valid ones; invalid values and failed cross-field checks throw
 * `<source>: <field path>: <problem>`. `base` is not modified.
 *
 * @example
 * const cfg = resolveConfig(RETINANET_CONFIG_SCHEMA, getConfig('retinanet-tiny'), { train: { lr: 0.02 } }, '--lr');
 */
export function resolveConfig<S extends z.ZodObject>(
  schema: S,
  base: z.output<S>,
  overrides: unknown,
  source = 'config',
): z.output<S> {
  const out = structuredClone(base) as Record<string, unknown>;
  if (overrides !== undefined && overrides !== null) applyOverrides(schema, out, overrides, source);
  return parseWithSchema(schema, out, source);
}

function applyOverrides(schema: z.ZodObject, out: Record<string, unknown>, overrides: unknown, source: string): void {
  if (!isRecord(overrides)) {
    throw new UserError(`${source}: expected an object of config fields, got ${JSON.stringify(overrides)}`);
  }
  const fields = schema.shape;
  for (const [key, value] of Object.entries(overrides)) {
    const field: unknown = fields[key];
    if (field === undefined) throw unknownField(source, key, Object.keys(fields));
    if (!(field instanceof z.ZodObject)) {
      out[key] = structuredClone(value);
      continue;
    }
    const sectionFields = Object.keys(field.shape);
    if (!isRecord(value)) {
      const expected = `expected an object with fields ${sectionFields.join(', ')}`;
      throw new UserError(`${source}: ${key}: ${expected}, got ${describeValue(value)}`);
    }
    const section = isRecord(out[key]) ? out[key] : {};
    for (const [name, fieldValue] of Object.entries(value)) {
      if (!sectionFields.includes(name)) {
        throw unknownField(
          source,
          `${key}.${name}`,
          sectionFields.map((f) => `${key}.${f}`),
        );
      }
      section[name] = structuredClone(fieldValue);
    }
    out[key] = section;
  }
}

function unknownField(source: string, field: string, valid: readonly string[]): UserError {
  return new UserError(`${source}: unknown config field '${field}'; valid fields: ${valid.join(', ')}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A `--config` file's JSON, `{ "base": "<preset name>", ...overrides }`, split into the preset it
 * names (undefined: the detector's default) and the overrides; anything else is a one-line error.
 *
 * @example
 * const { base, overrides } = splitConfigJson(json, 'my-config.json');
 * const config = resolveConfig(getConfig(base ?? 'retinanet-tiny'), overrides, 'my-config.json');
 */
export function splitConfigJson(
  json: unknown,
  source: string,
): { base: string | undefined; overrides: Record<string, unknown> } {
  if (!isRecord(json)) throw new UserError(`${source}: expected a JSON object of config fields`);
  const { base, ...overrides } = json;
  if (base !== undefined && typeof base !== 'string') {
    throw new UserError(`${source}: base: expected a config name, got ${JSON.stringify(base)}`);
  }
  return { base, overrides };
}
