import { CocoInputError, type CocoInputPart } from './errors.js';

/**
 * Field readers shared by the ground-truth and detection loaders. Each takes a `where`
 * callback that names the record; it is only called on failure, so the hot path over
 * hundreds of thousands of records builds no strings.
 */
export type Where = () => string;

/**
 * Prefix of the strings the Node loader substitutes for bare `NaN` / `Infinity` tokens
 * (which Python's `json.dump` writes but JSON does not allow), so the validator can name the
 * record that holds one instead of only reporting a syntax error.
 */
export const NON_FINITE_TOKEN = '\u0000non-finite:';

/** A short, bounded rendering of an offending value for an error message. */
export function show(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') {
    if (value.startsWith(NON_FINITE_TOKEN)) {
      return `${value.slice(NON_FINITE_TOKEN.length)} (not valid JSON; Python's json.dump writes it for a non-finite float)`;
    }
    const hint = /^-?(NaN|Infinity)$/.test(value)
      ? ' (JSON has no NaN/Infinity; Python json.dump writes them for non-finite floats)'
      : '';
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}${hint}`;
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  // What is left of parsed JSON is a number or a boolean, which String() renders as wanted.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return String(value);
}

export function fail(part: CocoInputPart, where: Where, problem: string): never {
  throw new CocoInputError(`${where()}: ${problem}`, part);
}

export function requireRecord(value: unknown, part: CocoInputPart, where: Where): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(part, where, `expected an object, got ${show(value)}`);
  return value as Record<string, unknown>;
}

export function requireInteger(
  record: Record<string, unknown>,
  key: string,
  part: CocoInputPart,
  where: Where,
): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isInteger(value))
    fail(part, where, `"${key}" is ${show(value)}, expected an integer`);
  return value;
}

export function requireFinite(record: Record<string, unknown>, key: string, part: CocoInputPart, where: Where): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isFinite(value))
    fail(part, where, `"${key}" is ${show(value)}, expected a finite number`);
  return value;
}

/** Reads `bbox = [x, y, w, h]`: four finite numbers with `w, h >= 0`. */
export function requireBbox(
  record: Record<string, unknown>,
  part: CocoInputPart,
  where: Where,
  out: Float64Array,
  at: number,
): void {
  const bbox = record.bbox;
  if (!Array.isArray(bbox) || bbox.length !== 4) {
    fail(part, where, `"bbox" is ${show(bbox)}, expected [x, y, width, height]`);
  }
  for (let j = 0; j < 4; j++) {
    const v: unknown = bbox[j];
    if (typeof v !== 'number' || !Number.isFinite(v))
      fail(part, where, `bbox[${j}] is ${show(v)}, expected a finite number`);
    if (j >= 2 && v < 0) fail(part, where, `bbox[${j}] (${j === 2 ? 'width' : 'height'}) is ${v}, expected >= 0`);
    out[at * 4 + j] = v;
  }
}
