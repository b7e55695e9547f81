/**
 * Config resolution: a named preset plus validated overrides (from a JSON file or CLI flags)
 * → a complete, checked {@link RetinaNetConfig}. Bad input throws a UserError naming the
 * source and the field.
 */
import { UserError } from '@apdet/io';
import { CONFIG_SCHEMA, type FieldCheck } from './schema.js';
import { RETINANET_CONFIGS } from './presets.js';
import type { RetinaNetConfig } from './types.js';

/** The preset called `name` (a deep copy), or a UserError listing the valid names. */
export function getConfig(name: string): RetinaNetConfig {
  const preset = RETINANET_CONFIGS[name];
  if (!preset) throw new UserError(`unknown RetinaNet config '${name}'; valid names: ${Object.keys(RETINANET_CONFIGS).join(', ')}`);
  return structuredClone(preset);
}

/**
 * Applies `overrides` (a partial config: sections are merged field by field, arrays replaced)
 * to `base` and validates the result. Unknown fields, wrong types and inconsistent settings
 * throw a UserError `<source>: <field>: <problem>`.
 *
 * @example
 * const cfg = resolveConfig(getConfig('retinanet-tiny'), { train: { lr: 0.02 } }, '--lr');
 */
export function resolveConfig(base: RetinaNetConfig, overrides: unknown, source = 'config'): RetinaNetConfig {
  const out = structuredClone(base) as unknown as Record<string, unknown>;
  if (overrides === undefined || overrides === null) return checkConfig(out as unknown as RetinaNetConfig, source);
  if (!isRecord(overrides)) throw new UserError(`${source}: expected an object of config fields, got ${JSON.stringify(overrides)}`);
  const schema = CONFIG_SCHEMA as unknown as Record<string, FieldCheck | Record<string, FieldCheck>>;
  for (const [key, value] of Object.entries(overrides)) {
    const check = schema[key];
    if (check === undefined) throw unknownField(source, key, Object.keys(schema));
    if (typeof check === 'function') {
      fieldError(source, key, check(value));
      out[key] = structuredClone(value);
      continue;
    }
    if (!isRecord(value)) throw new UserError(`${source}: ${key}: expected an object with fields ${Object.keys(check).join(', ')}, got ${JSON.stringify(value)}`);
    const section = out[key] as Record<string, unknown>;
    for (const [field, fieldValue] of Object.entries(value)) {
      const fieldCheck = check[field];
      if (fieldCheck === undefined) throw unknownField(source, `${key}.${field}`, Object.keys(check).map((f) => `${key}.${f}`));
      fieldError(source, `${key}.${field}`, fieldCheck(fieldValue));
      section[field] = structuredClone(fieldValue);
    }
  }
  return checkConfig(out as unknown as RetinaNetConfig, source);
}

/**
 * A config from JSON: `{ "base": "<preset name>", ...overrides }` (base defaults to
 * `defaultBase`). This is the format of `--config <file>`.
 */
export function configFromJson(json: unknown, source: string, defaultBase = 'retinanet-tiny'): RetinaNetConfig {
  if (!isRecord(json)) throw new UserError(`${source}: expected a JSON object of config fields`);
  const { base, ...overrides } = json;
  if (base !== undefined && typeof base !== 'string') throw new UserError(`${source}: base: expected a config name, got ${JSON.stringify(base)}`);
  return resolveConfig(getConfig(base ?? defaultBase), overrides, source);
}

/** Cross-field checks of a complete config (each field's own type was checked on the way in). */
export function checkConfig(c: RetinaNetConfig, source = 'config'): RetinaNetConfig {
  const fail = (field: string, problem: string): never => {
    throw new UserError(`${source}: ${field}: ${problem}`);
  };
  const levels = c.fpn.inLevels;
  levels.forEach((l, i) => {
    if (i > 0 && l !== levels[i - 1] + 1) fail('fpn.inLevels', `must be consecutive and increasing, got [${levels.join(', ')}]`);
  });
  const strides = fpnStrides(c);
  if (c.anchors.strides.join(',') !== strides.join(',')) {
    fail('anchors.strides', `must match the FPN outputs (levels P${levels[0]}… with extra '${c.fpn.extra}'): [${strides.join(', ')}], got [${c.anchors.strides.join(', ')}]`);
  }
  if (c.assigner.negIouThr > c.assigner.posIouThr) fail('assigner.negIouThr', `must be ≤ posIouThr (${c.assigner.posIouThr}), got ${c.assigner.negIouThr}`);
  if (c.head.norm === 'gn' && c.head.channels % Math.min(32, c.head.channels) !== 0) fail('head.channels', `must be divisible by the GroupNorm groups`);
  const maxStride = Math.max(...strides);
  c.inputSize.forEach((s, i) => {
    if (s < maxStride) fail('inputSize', `each side must be ≥ the largest stride ${maxStride}, got ${s} for ${i === 0 ? 'height' : 'width'}`);
  });
  return c;
}

/** Strides of the pyramid levels the model outputs: 2^level for the inputs, then the extra levels. */
export function fpnStrides(c: RetinaNetConfig): number[] {
  const strides = c.fpn.inLevels.map((l) => 2 ** l);
  const top = strides[strides.length - 1];
  const extra = c.fpn.extra === 'p6p7' ? 2 : c.fpn.extra === 'maxpool' ? 1 : 0;
  for (let i = 1; i <= extra; i++) strides.push(top * 2 ** i);
  return strides;
}

function fieldError(source: string, field: string, problem: string | null): void {
  if (problem !== null) throw new UserError(`${source}: ${field}: ${problem}`);
}

function unknownField(source: string, field: string, valid: string[]): UserError {
  return new UserError(`${source}: unknown config field '${field}'; valid fields: ${valid.join(', ')}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
