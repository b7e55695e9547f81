import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError, atomicWriteJson, readJsonFile } from '@apdet/io';
import type { PpoSettings } from './ppo.js';
import type { RngState } from '@apdet/data';
import { validateSearchSpace, type SearchSpace } from './search-space.js';

export const STATE_FILE = 'state.json';
export const STATE_FORMAT = 'apdet-search-state';
export const STATE_VERSION = 1;

/** Everything that defines a search; a resume must match it exactly. */
export interface SearchSettings {
  space: SearchSpace;
  rounds: number;
  samples: number;
  seed: number;
  /** σ0 of every dimension. */
  sigma0: number;
  /** μ0 (in (0, 1)), one per θ dimension. */
  muInit: number[];
  ppo: PpoSettings;
}

/** One finished (or failed) proxy training. */
export interface SampleRecord {
  reward: number;
  failed: boolean;
  reason?: string;
  seconds: number;
  worker?: string;
  attempt?: number;
}

/** The round being sampled: its θ and seeds are fixed before any job starts, so a resume redraws nothing. */
export interface RoundInProgress {
  round: number;
  /** σ the θ were drawn with. */
  sigma: number[];
  thetas: number[][];
  seeds: number[];
  /** One entry per sample: null until its outcome is recorded. */
  outcomes: (SampleRecord | null)[];
  /** Wall seconds spent in this round so far (summed over interrupted processes), as of the last save. */
  wallSeconds: number;
}

/** Summary statistics of a round's rewards (std is the population std, ddof 0). */
export interface RewardStats {
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** A finished round: its samples, the update it made, and its summary (one `rounds.jsonl` line). */
export interface RoundRecord {
  round: number;
  /** σ used to sample this round (σ_old of its update). */
  sigma: number[];
  /** σ for the next round (σ_new of its update). */
  sigmaNext: number[];
  /** μ = sigmoid(mu_x) before and after the update. */
  muBefore: number[];
  muAfter: number[];
  thetas: number[][];
  seeds: number[];
  samples: SampleRecord[];
  rewards: RewardStats;
  failed: number;
  /** Σ of the samples' training seconds, and the round's wall seconds (across resumes). */
  trainSeconds: number;
  wallSeconds: number;
  /** Surrogate J at the first and last inner step; non-finite steps skipped. */
  ppo: { objectiveFirst: number; objectiveLast: number; skippedSteps: number };
}

/** `state.json`: written atomically after every recorded outcome and every round. */
export interface SearchState {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  settings: SearchSettings;
  /** Task settings of the proxy jobs (opaque here), as given when the search started. */
  task: Record<string, unknown>;
  /** The round to run next (= finished rounds); equals `settings.rounds` when complete. */
  round: number;
  /** Policy location in logit space (exact doubles; μ = sigmoid(muX)). */
  muX: number[];
  /** sigmoid(muX), for people and plots. */
  mu: number[];
  /** σ of round `round`. */
  sigma: number[];
  /** The θ stream after the last drawn round. */
  rng: RngState;
  current: RoundInProgress | null;
  history: RoundRecord[];
  completed: boolean;
  createdAt: string;
  updatedAt: string;
}

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
 * Reads and checks `<dir>/state.json`. Errors name the file and the field; a missing file says
 * that the folder holds no search.
 */
export async function loadSearchState(dir: string): Promise<SearchState> {
  const file = stateFile(dir);
  if (!existsSync(file)) throw new UserError(`${dir}: no ${STATE_FILE} here, so there is no search to resume`);
  const json = (await readJsonFile(file)) as Partial<SearchState> | null;
  const bad = (what: string) => new UserError(`${file}: ${what}`);
  if (json === null || typeof json !== 'object' || json.format !== STATE_FORMAT) throw bad(`not an apdet search state (format is not "${STATE_FORMAT}")`);
  if (json.version !== STATE_VERSION) throw bad(`state version ${String(json.version)} is not supported (expected ${STATE_VERSION})`);
  const s = json as SearchState;
  if (s.settings === null || typeof s.settings !== 'object') throw bad('"settings" is missing');
  validateSearchSpace(s.settings.space, `${file}: settings.space`);
  const dims = s.settings.muInit?.length;
  const numbers = (v: unknown, n: number) => Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!numbers(s.muX, dims) || !numbers(s.sigma, dims)) throw bad(`"muX" and "sigma" must hold ${dims} finite numbers`);
  if (!Number.isInteger(s.round) || s.round < 0 || s.round > s.settings.rounds) throw bad(`"round" must be an integer in [0, ${s.settings.rounds}]`);
  if (!Array.isArray(s.history) || s.history.length !== s.round) throw bad(`"history" must hold one record per finished round (${s.round})`);
  if (s.current !== null) {
    const c = s.current;
    const samples = s.settings.samples;
    if (c.round !== s.round || !Array.isArray(c.thetas) || c.thetas.length !== samples || !c.thetas.every((t) => numbers(t, dims)) || !Array.isArray(c.outcomes) || c.outcomes.length !== samples || !Array.isArray(c.seeds) || c.seeds.length !== samples) {
      throw bad(`"current" must describe round ${s.round} with ${samples} θ of ${dims} numbers, seeds and outcomes`);
    }
  }
  return s;
}

/** Throws a UserError naming every setting in which a resumed search differs from the stored one. */
export function assertSameSettings(stored: SearchSettings, requested: SearchSettings, file: string): void {
  const differences: string[] = [];
  const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
  if (!same(stored.space, requested.space)) differences.push(`search space ('${stored.space.name}' stored, '${requested.space.name}' requested, or a different layout)`);
  for (const key of ['rounds', 'samples', 'seed', 'sigma0'] as const) {
    if (stored[key] !== requested[key]) differences.push(`${key} (${stored[key]} stored, ${requested[key]} requested)`);
  }
  if (!same(stored.muInit, requested.muInit)) differences.push('initial μ');
  if (!same(stored.ppo, requested.ppo)) differences.push(`PPO settings (${JSON.stringify(stored.ppo)} stored)`);
  if (differences.length > 0) {
    throw new UserError(`${file}: cannot resume: the search was started with different settings: ${differences.join('; ')}. Resume with the stored settings or start a new search in another folder.`);
  }
}

/** JSON with object keys sorted at every level, so equal values compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
