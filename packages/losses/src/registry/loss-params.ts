/**
 * The `--loss-params` file format, declared with zod: which fields a loss accepts (its
 * {@link ParamField}s), where they may appear (top level for every head, `heads.<kind>` for one
 * head) and the one-line errors `<source>: "<field path>": <problem>`.
 */
import { UserError } from '@apdet/io';
import { z } from 'zod';
import { HEAD_KINDS, type HeadKind } from './types.js';

/** A validated `--loss-params` value. */
export type ParamValue = number | string | number[][];

/** One accepted field of a loss's `--loss-params` object. */
export interface ParamField {
  readonly name: string;
  /** Shown in errors and docs: what the value means and its range. */
  readonly description: string;
  /** Validates the value; its error messages describe the problem without the location. */
  readonly schema: z.ZodType<ParamValue>;
}

/** Parsed `--loss-params`: values for every head, overridden per head by `heads.<kind>`. */
export interface LossParams {
  readonly defaults: Readonly<Record<string, ParamValue>>;
  readonly heads: Readonly<Partial<Record<HeadKind, Readonly<Record<string, ParamValue>>>>>;
  /** Where the values came from (a file name), for errors and manifests. */
  readonly source: string;
}

export const EMPTY_LOSS_PARAMS: LossParams = { defaults: {}, heads: {}, source: 'defaults' };

/**
 * The schema of a `--loss-params` object for loss `lossName` whose accepted fields are `fields`:
 * `{ "loss"?: string, "meta"?: any, <field>?: value, "heads"?: { "<headKind>": { <field>?: value } } }`.
 * Top-level fields apply to every head; `heads.retina|rpn|roi|detr` override them for one head
 * (Faster R-CNN's RPN and RoI head have their own searched functions). `loss`, if present, must
 * equal the `--loss` name (so a file written by a search cannot silently be used with another
 * loss); `meta` is free-form and ignored (e.g. search round and reward). Unknown keys are errors.
 */
export function lossParamsSchema(lossName: string, fields: readonly ParamField[]) {
  const own = Object.fromEntries(fields.map((f) => [f.name, f.schema.optional()]));
  const allowed = fields.map((f) => f.name).join(', ') || '(none)';
  const notAParameter = `not a parameter of loss '${lossName}'; allowed: ${allowed}`;
  const head = z.strictObject(own, { error: objectError(notAParameter) });
  const heads = z.strictObject(Object.fromEntries(HEAD_KINDS.map((kind) => [kind, head.optional()])), {
    error: objectError(`unknown head kind; expected one of ${HEAD_KINDS.join(', ')}`),
  });
  const loss = z
    .unknown()
    .superRefine((value, ctx) => {
      if (value === lossName) return;
      ctx.addIssue({
        code: 'custom',
        message: `the file is for loss ${JSON.stringify(value)}, but --loss is '${lossName}'`,
      });
    })
    .optional();
  // `loss` first: a file for another loss is reported as such, not by its first foreign field.
  return z.strictObject(
    { loss, ...own, heads: heads.optional(), meta: z.unknown().optional() },
    { error: objectError(`${notAParameter}, heads, loss, meta`) },
  );
}

/**
 * Validates a `--loss-params` JSON value for loss `lossName` whose accepted fields are `fields`
 * (see {@link lossParamsSchema} for the format). Every error is one line naming `source` and the
 * field path: `final-params.json: "heads.roi.ctrlPoints": row 2 (I3): y must be non-decreasing, …`.
 */
export function parseLossParams(
  lossName: string,
  fields: readonly ParamField[],
  json: unknown,
  source: string,
): LossParams {
  const result = lossParamsSchema(lossName, fields).safeParse(json);
  if (!result.success) throw new UserError(formatIssue(result.error.issues[0], source), { cause: result.error });
  const { loss: _loss, meta: _meta, heads, ...defaults } = result.data as Record<string, unknown>;
  return {
    defaults: defaults as Record<string, ParamValue>,
    heads: heads ?? {},
    source,
  };
}

/** The values for one head: top-level values overridden by `heads.<kind>`. */
export function paramsForHead(params: LossParams, headKind: HeadKind): Readonly<Record<string, ParamValue>> {
  return { ...params.defaults, ...(params.heads[headKind] ?? {}) };
}

/** `<source>: "<path>": <problem>`; an unknown key is named in the path, the whole file is "the top level". */
function formatIssue(issue: z.core.$ZodIssue, source: string): string {
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  const where = path.length === 0 ? 'the top level' : `"${path.map(String).join('.')}"`;
  return `${source}: ${where}: ${issue.message}`;
}

/** The error text of an object schema: `unknownKey` for unknown keys, else "expected a JSON object". */
function objectError(unknownKey: string) {
  return (issue: z.core.$ZodRawIssue): string =>
    issue.code === 'unrecognized_keys' ? unknownKey : `expected a JSON object, got ${describe(issue.input)}`;
}

/** A short description of a JSON value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') {
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  }
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}

/** A number field with an inclusive/exclusive range check. */
export function numberField(
  name: string,
  description: string,
  check: { min?: number; minExclusive?: number; max?: number; integer?: boolean },
): ParamField {
  const error = (issue: z.core.$ZodRawIssue): string => {
    const value = issue.input;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return `expected a finite number (${description}), got ${describe(value)}`;
    }
    if (issue.code === 'too_small') {
      const sign = issue.inclusive === false ? '>' : '≥';
      return `must be ${sign} ${String(issue.minimum)} (${description}), got ${value}`;
    }
    if (issue.code === 'too_big') return `must be ≤ ${String(issue.maximum)} (${description}), got ${value}`;
    return `expected an integer (${description}), got ${value}`;
  };
  let schema = z.number({ error });
  // Number.isInteger rather than .int(): .int() also caps at 2^53, which the fields never did.
  if (check.integer === true) schema = schema.refine(Number.isInteger);
  if (check.min !== undefined) schema = schema.gte(check.min);
  if (check.minExclusive !== undefined) schema = schema.gt(check.minExclusive);
  if (check.max !== undefined) schema = schema.lte(check.max);
  return { name, description, schema };
}

/** A string field restricted to a few values. */
export function enumField(name: string, description: string, values: readonly [string, ...string[]]): ParamField {
  const expected = values.map((v) => JSON.stringify(v)).join(', ');
  const schema = z.enum(values, {
    error: (issue) => `expected one of ${expected} (${description}), got ${describe(issue.input)}`,
  });
  return { name, description, schema };
}
