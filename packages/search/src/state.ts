import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError, atomicWriteJson, readJsonFile, schemaErrorLine } from '@apdet/io';
import type { z } from 'zod';
import {
  SEARCH_STATE_SCHEMA,
  STATE_FORMAT,
  STATE_VERSION,
  type SearchSettings,
  type SearchState,
} from './state-schema.js';

export {
  STATE_FORMAT,
  STATE_VERSION,
  type SearchSettings,
  type SearchState,
  type SampleRecord,
  type RoundInProgress,
  type RoundRecord,
  type RewardStats,
} from './state-schema.js';

export const STATE_FILE = 'state.json';

/** Path of the state file in a search folder. */
export function stateFile(dir: string): string {
  return path.join(dir, STATE_FILE);
}

/** True when `dir` already holds a search. */
export function hasSearchState(dir: string): boolean {
  return existsSync(stateFile(dir));
}

/** Writes `state.json` atomically (compact JSON: it holds every sample's θ). */
export async function saveSearchState(dir: string, state: SearchState): Promise<void> {
  state.updatedAt = new Date().toISOString();
  await atomicWriteJson(stateFile(dir), state, { compact: true });
}

/**
 * Reads and checks `<dir>/state.json` against {@link SEARCH_STATE_SCHEMA}. Errors are one line
 * naming the file and the field (`…/state.json: rng: expected 4 unsigned 32-bit integers, got
 * null`); a missing file says that the folder holds no search.
 */
export async function loadSearchState(dir: string): Promise<SearchState> {
  const file = stateFile(dir);
  if (!existsSync(file)) throw new UserError(`${dir}: no ${STATE_FILE} here, so there is no search to resume`);
  const json = await readJsonFile(file);
  const head = (typeof json === 'object' && json !== null ? json : {}) as { format?: unknown; version?: unknown };
  if (head.format !== STATE_FORMAT) {
    throw new UserError(`${file}: not an apdet search state (format is not "${STATE_FORMAT}")`);
  }
  if (head.version !== STATE_VERSION) {
    throw new UserError(`${file}: state version ${String(head.version)} is not supported (expected ${STATE_VERSION})`);
  }
  const result = SEARCH_STATE_SCHEMA.safeParse(json, { error: issueText });
  if (result.success) return result.data;
  throw new UserError(schemaErrorLine(result.error.issues[0], file), { cause: result.error });
}

/** "expected …, got …" for the issues of the state schema (zod's own text for other kinds). */
function issueText(issue: z.core.$ZodRawIssue): string | undefined {
  const got = `got ${JSON.stringify(issue.input) ?? 'nothing'}`;
  const words: Record<string, string> = {
    int: 'an integer',
    array: 'an array',
    object: 'an object',
    record: 'an object',
  };
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `missing (expected ${words[issue.expected] ?? `a ${issue.expected}`})`;
      return `expected ${words[issue.expected] ?? `a ${issue.expected}`}, ${got}`;
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? issue.minimum : issue.maximum;
      if (Array.isArray(issue.input)) {
        return `expected ${small ? 'at least' : 'at most'} ${bound} items, got ${issue.input.length}`;
      }
      const sign = small ? (issue.inclusive === false ? '>' : '≥') : issue.inclusive === false ? '<' : '≤';
      return `expected a number ${sign} ${bound}, ${got}`;
    }
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, ${got}`;
    default:
      return undefined;
  }
}

/** Throws a UserError naming every setting in which a resumed search differs from the stored one. */
export function assertSameSettings(stored: SearchSettings, requested: SearchSettings, file: string): void {
  const differences: string[] = [];
  const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
  if (!same(stored.space, requested.space)) {
    const names = `'${stored.space.name}' stored, '${requested.space.name}' requested`;
    differences.push(`search space (${names}, or a different layout)`);
  }
  for (const key of ['rounds', 'samples', 'seed', 'sigma0'] as const) {
    if (stored[key] !== requested[key]) differences.push(`${key} (${stored[key]} stored, ${requested[key]} requested)`);
  }
  if (!same(stored.muInit, requested.muInit)) differences.push('initial μ');
  if (!same(stored.ppo, requested.ppo)) differences.push(`PPO settings (${JSON.stringify(stored.ppo)} stored)`);
  if (differences.length > 0) {
    const advice = 'Resume with the stored settings or start a new search in another folder.';
    throw new UserError(
      `${file}: cannot resume: the search was started with different settings: ${differences.join('; ')}. ${advice}`,
    );
  }
}

/** JSON with object keys sorted at every level, so equal values compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
