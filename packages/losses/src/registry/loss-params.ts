import { UserError } from '@apdet/io';
import { HEAD_KINDS, type HeadKind } from './types.js';

/** A validated `--loss-params` value. */
export type ParamValue = number | string | number[][];

/** One accepted field of a loss's `--loss-params` object. */
export interface ParamField {
  readonly name: string;
  /** Shown in errors and docs: what the value means and its range. */
  readonly description: string;
  /** Returns the validated value or throws a message (without location) describing the problem. */
  parse(value: unknown): ParamValue;
}

/** Parsed `--loss-params`: values for every head, overridden per head by `heads.<kind>`. */
export interface LossParams {
  readonly defaults: Readonly<Record<string, ParamValue>>;
  readonly heads: Readonly<Partial<Record<HeadKind, Readonly<Record<string, ParamValue>>>>>;
  /** Where the values came from (a file name), for errors and manifests. */
  readonly source: string;
}

export const EMPTY_LOSS_PARAMS: LossParams = { defaults: {}, heads: {}, source: 'defaults' };

/** Keys every params object may have besides the loss's own fields. */
const COMMON_KEYS = ['loss', 'heads', 'meta'] as const;

/**
 * Validates a `--loss-params` JSON value for loss `lossName` whose accepted fields are `fields`.
 *
 * Schema: `{ "loss"?: string, "meta"?: any, <field>?: value, "heads"?: { "<headKind>": { <field>?: value } } }`.
 * Top-level fields apply to every head; `heads.retina|rpn|roi|detr` override them for one head
 * (Faster R-CNN's RPN and RoI head have their own searched functions). `loss`, if present, must
 * equal the `--loss` name (so a file written by a search cannot silently be used with another
 * loss); `meta` is free-form and ignored (e.g. search round and reward). Unknown keys are errors.
 * Every error names `source` and the field path.
 */
export function parseLossParams(lossName: string, fields: readonly ParamField[], json: unknown, source: string): LossParams {
  const where = (path: string) => `${source}: ${path}`;
  const top = asObject(json, where('the top level'));
  const loss = top['loss'];
  if (loss !== undefined && loss !== lossName) {
    throw new UserError(`${where('"loss"')}: the file is for loss ${JSON.stringify(loss)}, but --loss is '${lossName}'`);
  }
  const defaults = parseFields(lossName, fields, top, '', source, COMMON_KEYS);
  const heads: Partial<Record<HeadKind, Record<string, ParamValue>>> = {};
  if (top['heads'] !== undefined) {
    const headsObject = asObject(top['heads'], where('"heads"'));
    for (const [kind, value] of Object.entries(headsObject)) {
      if (!(HEAD_KINDS as readonly string[]).includes(kind)) {
        throw new UserError(`${where(`"heads.${kind}"`)}: unknown head kind; expected one of ${HEAD_KINDS.join(', ')}`);
      }
      heads[kind as HeadKind] = parseFields(lossName, fields, asObject(value, where(`"heads.${kind}"`)), `heads.${kind}.`, source, []);
    }
  }
  return { defaults, heads, source };
}

/** The values for one head: top-level values overridden by `heads.<kind>`. */
export function paramsForHead(params: LossParams, headKind: HeadKind): Readonly<Record<string, ParamValue>> {
  return { ...params.defaults, ...(params.heads[headKind] ?? {}) };
}

function parseFields(
  lossName: string,
  fields: readonly ParamField[],
  object: Record<string, unknown>,
  prefix: string,
  source: string,
  extraKeys: readonly string[],
): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [key, value] of Object.entries(object)) {
    if (extraKeys.includes(key)) continue;
    const field = fields.find((f) => f.name === key);
    if (field === undefined) {
      const allowed = fields.map((f) => f.name).join(', ') || '(none)';
      throw new UserError(`${source}: "${prefix}${key}": not a parameter of loss '${lossName}'; allowed: ${allowed}${prefix === '' ? ', heads, loss, meta' : ''}`);
    }
    try {
      out[key] = field.parse(value);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UserError(`${source}: "${prefix}${key}": ${reason}`, { cause: error });
    }
  }
  return out;
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError(`${where}: expected a JSON object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A short description of a JSON value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** A number field with an inclusive/exclusive range check. */
export function numberField(
  name: string,
  description: string,
  check: { min?: number; minExclusive?: number; max?: number; integer?: boolean },
): ParamField {
  return {
    name,
    description,
    parse(value: unknown): number {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`expected a finite number (${description}), got ${describe(value)}`);
      if (check.integer === true && !Number.isInteger(value)) throw new Error(`expected an integer (${description}), got ${value}`);
      if (check.min !== undefined && value < check.min) throw new Error(`must be ≥ ${check.min} (${description}), got ${value}`);
      if (check.minExclusive !== undefined && value <= check.minExclusive) throw new Error(`must be > ${check.minExclusive} (${description}), got ${value}`);
      if (check.max !== undefined && value > check.max) throw new Error(`must be ≤ ${check.max} (${description}), got ${value}`);
      return value;
    },
  };
}

/** A string field restricted to a few values. */
export function enumField(name: string, description: string, values: readonly string[]): ParamField {
  return {
    name,
    description,
    parse(value: unknown): string {
      if (typeof value !== 'string' || !values.includes(value)) {
        throw new Error(`expected one of ${values.map((v) => JSON.stringify(v)).join(', ')} (${description}), got ${describe(value)}`);
      }
      return value;
    },
  };
}
