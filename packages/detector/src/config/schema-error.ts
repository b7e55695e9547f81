/**
 * Zod errors as the one-line user errors of apdet: `<source>: <path.to.field>: <problem>`, the
 * format every config and file reader used before the schemas moved to zod.
 */
import { issuePath, schemaErrorLine, UserError } from '@apdet/io';
import { z } from 'zod';
import { describeValue } from './describe-value.js';

/** What an `invalid_type` issue expected, in words. */
const TYPE_WORDS: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  array: 'an array',
  tuple: 'an array',
  object: 'an object',
  record: 'an object',
  null: 'null',
};

/**
 * The problem text of a zod issue, for issues whose schema has no message of its own (the field
 * schemas of fields.ts have theirs). Pass it as the `error` option of a parse; returns undefined
 * (zod's text) for issue kinds it does not know.
 *
 * @example
 * schema.safeParse(json, { error: schemaIssueText });
 */
export function schemaIssueText(issue: z.core.$ZodRawIssue): string | undefined {
  const got = `got ${describeValue(issue.input)}`;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `missing; expected ${typeWords(issue.expected)}`;
      return `expected ${typeWords(issue.expected)}, ${got}`;
    case 'too_small':
      return sizeProblem(issue, 'at least', Number(issue.minimum), issue.inclusive === false ? '>' : '≥');
    case 'too_big':
      return sizeProblem(issue, 'at most', Number(issue.maximum), issue.inclusive === false ? '<' : '≤');
    case 'invalid_value':
      if (issue.values.length === 1) return `expected ${describeValue(issue.values[0])}, ${got}`;
      return `expected one of ${issue.values.map(describeValue).join(', ')}, ${got}`;
    case 'unrecognized_keys':
      return unknownKeysProblem(issue.keys, issue.inst);
    case 'invalid_union':
      return `expected ${unionWords(issue.errors)}, ${got}`;
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}, ${got}`;
    default:
      return undefined;
  }
}

/**
 * One line `<source>: <path>: <problem>` for the first issue of a zod error (`<source>:
 * <problem>` when the issue is about the whole value). Paths read `train.lr`, `inputSize[0]`.
 *
 * @example
 * formatSchemaError(error, 'my.json'); // "my.json: train.lr: expected a number > 0, got -1"
 */
export function formatSchemaError(error: z.ZodError, source: string): string {
  return schemaErrorLine(error.issues[0], source);
}

/**
 * Parses `value` with `schema`; the first problem throws a {@link UserError}
 * `<source>: <path>: <problem>` (see {@link formatSchemaError}).
 *
 * @example
 * const task = parseWithSchema(PROXY_TASK_SCHEMA, json, 'task.json');
 */
export function parseWithSchema<S extends z.ZodType>(schema: S, value: unknown, source: string): z.output<S> {
  const result = schema.safeParse(value, { error: schemaIssueText });
  if (!result.success) throw new UserError(formatSchemaError(result.error, source), { cause: result.error });
  return result.data;
}

/** `a.b[2].c` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  return issuePath(path);
}

function typeWords(expected: string): string {
  return TYPE_WORDS[expected] ?? expected;
}

/** A number out of range, or an array or string of the wrong length. */
function sizeProblem(
  issue: { input?: unknown; origin: string; exact?: boolean },
  atLeastOrMost: string,
  bound: number,
  sign: string,
): string {
  const input = issue.input;
  if (Array.isArray(input) || issue.origin === 'array') {
    const count = Array.isArray(input) ? input.length : '?';
    if (issue.exact === true) return `expected ${bound} items, got ${count}`;
    return `expected ${atLeastOrMost} ${bound} item(s), got ${count}`;
  }
  if (typeof input === 'string') {
    if (atLeastOrMost === 'at least' && bound === 1) return `expected a non-empty string, got ${describeValue(input)}`;
    return `expected ${atLeastOrMost} ${bound} character(s), got ${input.length}`;
  }
  return `expected a number ${sign} ${bound}, got ${describeValue(input)}`;
}

function unknownKeysProblem(keys: readonly string[], inst: unknown): string {
  const names = keys.map((k) => `'${k}'`).join(', ');
  const shape = inst instanceof z.ZodObject ? Object.keys(inst.shape) : [];
  const valid = shape.length === 0 ? '' : `; valid fields: ${shape.join(', ')}`;
  return `unknown field${keys.length === 1 ? '' : 's'} ${names}${valid}`;
}

/** "a string or an object" from the branches of a failed union. */
function unionWords(branches: readonly (readonly z.core.$ZodIssue[])[]): string {
  const words = branches.map((issues) => {
    const first = issues[0];
    return first?.code === 'invalid_type' && first.path.length === 0 ? typeWords(first.expected) : null;
  });
  if (words.every((w) => w !== null)) return [...new Set(words)].join(' or ');
  return 'one of the accepted forms';
}
