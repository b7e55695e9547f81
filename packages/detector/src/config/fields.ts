/**
 * Field schemas of the detector configs. Each one carries its own error text, stating what the
 * field accepts ("expected an integer ≥ 1, got 0"), so a message stays as informative as the
 * field-by-field checks it replaces (packages/retinanet/src/config/schema.ts before zod) even
 * when a schema is parsed without {@link parseWithSchema}'s error map.
 */
import { z } from 'zod';
import { describeValue } from './describe-value.js';

/** The range of a {@link numberSchema}. */
export interface NumberRange {
  /** Require an integer. */
  integer?: boolean;
  /** `min` itself is refused (value > min). */
  minExclusive?: boolean;
  /** Inclusive upper bound. */
  max?: number;
}

/**
 * A finite number ≥ `min` (or > `min`), optionally an integer and ≤ `max`. Every failure reads
 * `expected <an integer|a number> <range>, got <value>`.
 *
 * @example
 * numberSchema(0, { minExclusive: true, max: 4 }); // "expected a number > 0 and ≤ 4, got 5"
 */
export function numberSchema(min: number, range: NumberRange = {}): z.ZodNumber {
  const kind = range.integer === true ? 'an integer' : 'a number';
  const upper = range.max === undefined ? '' : ` and ≤ ${range.max}`;
  const bounds = `${range.minExclusive === true ? '>' : '≥'} ${min}${upper}`;
  const error = (issue: { input?: unknown }): string => `expected ${kind} ${bounds}, got ${describeValue(issue.input)}`;
  let schema = z.number({ error });
  // Number.isInteger rather than .int(): .int() also caps at 2^53, which the configs never did.
  if (range.integer === true) schema = schema.refine(Number.isInteger);
  schema = range.minExclusive === true ? schema.gt(min) : schema.gte(min);
  return range.max === undefined ? schema : schema.lte(range.max);
}

/**
 * One of a few literal values (strings or numbers): `expected one of 'sgd', 'adamw', got 'sgdm'`.
 *
 * @example
 * oneOfSchema(['frozen-bn', 'bn', 'gn']);
 */
export function oneOfSchema<const T extends readonly [string | number, ...(string | number)[]]>(
  values: T,
): z.ZodLiteral<T[number]> {
  const allowed = values.map(describeValue).join(', ');
  return z.literal(values, { error: (issue) => `expected one of ${allowed}, got ${describeValue(issue.input)}` });
}

/** true or false: `expected true or false, got 'yes'`. */
export function booleanSchema(): z.ZodBoolean {
  return z.boolean({ error: (issue) => `expected true or false, got ${describeValue(issue.input)}` });
}

/** A non-empty string: `expected a non-empty string, got 3`. */
export function textSchema(): z.ZodString {
  return z.string({ error: (issue) => `expected a non-empty string, got ${describeValue(issue.input)}` }).min(1);
}

/**
 * An array of `item`s with at least `minLength` items (1 unless given). An item's own error is
 * reported at its index (`fpn.inLevels[1]: expected an integer ≥ 2 and ≤ 5, got 6`).
 */
export function listSchema<T extends z.ZodType>(item: T, minLength = 1): z.ZodArray<T> {
  return z.array(item, { error: (issue) => listProblem(issue, minLength, false) }).min(minLength);
}

/** Exactly 2 `item`s (e.g. an input size [h, w]): `expected 2 items, got 1`. */
export function tupleSchema<T extends z.ZodType>(item: T, length: 2): z.ZodTuple<[T, T], null>;
/** Exactly 4 `item`s (e.g. box-coder stds): `expected 4 items, got 3`. */
export function tupleSchema<T extends z.ZodType>(item: T, length: 4): z.ZodTuple<[T, T, T, T], null>;
export function tupleSchema<T extends z.ZodType>(item: T, length: number): z.ZodTuple<[T, ...T[]], null> {
  const items = Array.from({ length }, () => item) as [T, ...T[]];
  return z.tuple(items, { error: (issue) => listProblem(issue, length, true) });
}

/** The error text of a list that is not an array or has the wrong length. */
function listProblem(issue: { input?: unknown }, length: number, exact: boolean): string {
  if (!Array.isArray(issue.input)) return `expected an array, got ${describeValue(issue.input)}`;
  if (exact) return `expected ${length} items, got ${issue.input.length}`;
  return `expected at least ${length} item(s), got ${issue.input.length}`;
}

/**
 * An object whose fields are all required and whose unknown fields are errors:
 * `expected an object with fields a, b, got 3` / `unknown field 'c'; valid fields: a, b`.
 * The field list is read from the schema raising the issue, so it stays right after `.extend()`.
 */
export function sectionSchema<T extends z.core.$ZodLooseShape>(
  shape: T,
): z.ZodObject<{ -readonly [K in keyof T]: T[K] }, z.core.$strict> {
  return z.strictObject(shape, {
    error: (issue) => {
      const fields = Object.keys(issue.inst instanceof z.ZodObject ? issue.inst.shape : shape).join(', ');
      if (issue.code !== 'unrecognized_keys') {
        if (issue.input === undefined) return `missing; expected an object with fields ${fields}`;
        return `expected an object with fields ${fields}, got ${describeValue(issue.input)}`;
      }
      const keys = issue.keys.map((k) => `'${k}'`).join(', ');
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${keys}; valid fields: ${fields}`;
    },
  });
}
