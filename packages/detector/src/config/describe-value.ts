/**
 * How a JSON value is quoted inside an error message, e.g. "…, got 'sgdm'" or "…, got [1, 2]".
 */

/**
 * A short rendering of `value` for messages: strings in single quotes, numbers as written
 * (also NaN and Infinity, which JSON would print as null), everything else as JSON.
 *
 * @example
 * describeValue('sgdm'); // "'sgdm'"
 * describeValue([1, 2]); // '[1,2]'
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value) ?? String(value);
}
