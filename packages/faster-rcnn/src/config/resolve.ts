/**
 * Config resolution: a named preset plus validated overrides (from a JSON file or CLI flags) →
 * a complete, checked {@link FasterRcnnConfig}. Bad input throws a one-line UserError naming the
 * source and the field path.
 */
import { describeValue, parseWithSchema, splitConfigJson } from '@apdet/detector';
import { UserError } from '@apdet/io';
import { z } from 'zod';
import { FASTER_RCNN_CONFIGS } from './presets.js';
import { FASTER_RCNN_CONFIG_SCHEMA, fasterRcnnConfigProblem, fpnLevels, fpnStrides } from './schema.js';
import type { FasterRcnnConfig } from './types.js';

export { fpnLevels, fpnStrides };

/** The preset called `name` (a deep copy), or a UserError listing the valid names. */
export function getConfig(name: string): FasterRcnnConfig {
  const preset = FASTER_RCNN_CONFIGS[name];
  if (!preset) {
    const names = Object.keys(FASTER_RCNN_CONFIGS).join(', ');
    throw new UserError(`unknown Faster R-CNN config '${name}'; valid names: ${names}`);
  }
  return structuredClone(preset);
}

/**
 * Applies `overrides` to `base` and validates the result with {@link FASTER_RCNN_CONFIG_SCHEMA}.
 * Sections and their sub-sections (`rpn.train`, `roi.assigner`, …) merge field by field; every
 * other field, arrays included, is replaced. Unknown fields, wrong types and inconsistent
 * settings throw a UserError `<source>: <field.path>: <problem>`. `base` is not modified.
 *
 * @example
 * const cfg = resolveConfig(getConfig('faster-rcnn-tiny'), { rpn: { train: { postNmsTopN: 64 } } }, 'my.json');
 */
export function resolveConfig(base: FasterRcnnConfig, overrides: unknown, source = 'config'): FasterRcnnConfig {
  const out = structuredClone(base) as Record<string, unknown>;
  if (overrides !== undefined && overrides !== null) mergeInto(FASTER_RCNN_CONFIG_SCHEMA, out, overrides, '', source);
  return parseWithSchema(FASTER_RCNN_CONFIG_SCHEMA, out, source);
}

/**
 * A config from JSON: `{ "base": "<preset name>", ...overrides }` (base defaults to
 * `defaultBase`). This is the format of `--config <file>`.
 */
export function configFromJson(json: unknown, source: string, defaultBase = 'faster-rcnn-tiny'): FasterRcnnConfig {
  const { base, overrides } = splitConfigJson(json, source);
  return resolveConfig(getConfig(base ?? defaultBase), overrides, source);
}

/**
 * Cross-field checks of a complete config whose fields are each valid (the superRefine of
 * {@link FASTER_RCNN_CONFIG_SCHEMA}, for configs built in code); returns `c` itself.
 */
export function checkConfig(c: FasterRcnnConfig, source = 'config'): FasterRcnnConfig {
  const problem = fasterRcnnConfigProblem(c);
  if (problem !== null) throw new UserError(`${source}: ${problem.path.join('.')}: ${problem.message}`);
  return c;
}

/**
 * Merges `overrides` into `target` (a copy of the base) following `schema`: object fields recurse
 * (so `{ rpn: { train: { postNmsTopN: 64 } } }` keeps the other proposal options), others are
 * replaced. @apdet/detector's `resolveConfig` merges one level deep; Faster R-CNN's nested
 * `rpn`/`roi` sections need the recursion, with the same error texts.
 */
function mergeInto(
  schema: z.ZodObject,
  target: Record<string, unknown>,
  overrides: unknown,
  path: string,
  source: string,
): void {
  const fields = schema.shape;
  const names = Object.keys(fields);
  if (!isRecord(overrides)) {
    if (path === '')
      throw new UserError(`${source}: expected an object of config fields, got ${describeValue(overrides)}`);
    throw new UserError(
      `${source}: ${path}: expected an object with fields ${names.join(', ')}, got ${describeValue(overrides)}`,
    );
  }
  const qualified = (name: string) => (path === '' ? name : `${path}.${name}`);
  for (const [key, value] of Object.entries(overrides)) {
    const field: unknown = fields[key];
    if (field === undefined) {
      const valid = names.map(qualified).join(', ');
      throw new UserError(`${source}: unknown config field '${qualified(key)}'; valid fields: ${valid}`);
    }
    if (field instanceof z.ZodObject) {
      const section = isRecord(target[key]) ? target[key] : {};
      mergeInto(field, section, value, qualified(key), source);
      target[key] = section;
    } else {
      target[key] = structuredClone(value);
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
