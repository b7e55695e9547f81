/**
 * One-line user errors from schema-validation issues (zod's, or any library's with a path and a
 * message): `<source>: <path.to.field>: <problem>`, the format of every apdet file reader. One
 * formatter for the configs, the manifest, the search state and the proxy task.
 */

/** The part of a validation issue an error line needs. */
export interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * `train.lr`, `inputSize[0]`, `history[2].samples[0].reward` from an issue path, under `field`
 * when the validated value is itself a field of something larger.
 *
 * @example
 * issuePath(['train', 'lrSteps', 0]); // "train.lrSteps[0]"
 */
export function issuePath(path: readonly PropertyKey[], field?: string): string {
  let out = field ?? '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * The line for the first issue of a validation: `<source>: <path>: <problem>`, or
 * `<source>: <problem>` when the issue is about the whole value.
 *
 * @example
 * schemaErrorLine({ path: ['epochs'], message: 'expected a positive integer, got 0' }, 'proxy job r2-s3', 'task');
 * // "proxy job r2-s3: task.epochs: expected a positive integer, got 0"
 */
export function schemaErrorLine(issue: SchemaIssue | undefined, source: string, field?: string): string {
  if (issue === undefined) return `${source}: invalid value`;
  const where = issuePath(issue.path, field);
  const problem = issue.message.replace(/\s*\n\s*/g, ' ');
  return where === '' ? `${source}: ${problem}` : `${source}: ${where}: ${problem}`;
}
