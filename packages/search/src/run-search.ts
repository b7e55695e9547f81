import { mkdir } from 'node:fs/promises';
import { UserError } from '@apdet/io';
import type { ProxyJob, ProxyOutcome, ProxyProgress, ProxyRunner } from './contract.js';
import { thetaToLossParams, type PapLossParams } from './loss-params.js';
import { writeFinalParams, writeRoundsFile } from './outputs.js';
import { drawThetas, nextSigma } from './policy.js';
import { DEFAULT_PPO, ppoUpdate, type PpoSettings } from './ppo.js';
import { Rng } from '@apdet/rng';
import { proxySeed } from './rng.js';
import { RETINANET_SPACE, initialMu, spaceDims, validateSearchSpace, type SearchSpace } from './search-space.js';
import {
  STATE_FORMAT,
  STATE_VERSION,
  assertSameSettings,
  hasSearchState,
  loadSearchState,
  saveSearchState,
  stateFile,
  type RewardStats,
  type RoundInProgress,
  type RoundRecord,
  type SampleRecord,
  type SearchSettings,
  type SearchState,
} from './state.js';
import { logit, sigmoid } from './truncated-normal.js';

/** Official defaults (docs/spec/paper-spec.md §7.2): 40 rounds × 8 samples, σ0 = 0.2, seed 42. */
export const DEFAULT_ROUNDS = 40;
export const DEFAULT_SAMPLES = 8;
export const DEFAULT_SEARCH_SEED = 42;
export const DEFAULT_SIGMA0 = 0.2;

/** A recorded proxy training, for progress lines. */
export interface SampleEvent {
  job: ProxyJob;
  outcome: ProxyOutcome;
  /** Samples of this round with an outcome, including this one. */
  done: number;
  total: number;
}

export interface RunSearchOptions {
  /** Output folder: state.json, rounds.jsonl, final-params.json. */
  out: string;
  /** Executes the proxy trainings (local worker processes, BullMQ, or your own). */
  runner: ProxyRunner;
  /** θ layout; default RetinaNet (41 dims). */
  space?: SearchSpace;
  rounds?: number;
  samples?: number;
  seed?: number;
  sigma0?: number;
  /** μ0 in (0, 1) per dimension; default identity functions and w = 1 (docs/spec/paper-spec.md §4.2). */
  muInit?: number[];
  ppo?: Partial<PpoSettings>;
  /** Task settings passed through to every ProxyJob unchanged (detector, data, proxy size...). */
  task?: Record<string, unknown>;
  /**
   * Continue the search in `out` (its state.json). Settings left undefined take the stored
   * values; settings given must equal the stored ones (UserError otherwise). The stored task
   * settings are used, so resumed jobs are identical to the interrupted ones.
   */
  resume?: boolean;
  onSample?: (event: SampleEvent) => void;
  /** Called after each round's update is saved (for plots and progress). */
  onRound?: (record: RoundRecord, state: SearchState) => void | Promise<void>;
  onProgress?: (progress: ProxyProgress) => void;
  /** Progress and warning lines; default: none. */
  log?: (line: string) => void;
}

export interface SearchResult {
  state: SearchState;
  /** The `--loss-params` object of the final μ (also in `<out>/final-params.json`). */
  finalParams: PapLossParams;
  /** Rounds finished by this call. */
  roundsRun: number;
  /** True when the search was already complete and nothing was run. */
  alreadyComplete: boolean;
}

/** The full settings of a search from its options, with the official defaults; validated. */
export function resolveSearchSettings(options: Omit<RunSearchOptions, 'out' | 'runner'>): SearchSettings {
  const space = options.space ?? RETINANET_SPACE;
  validateSearchSpace(space);
  const settings: SearchSettings = {
    space,
    rounds: options.rounds ?? DEFAULT_ROUNDS,
    samples: options.samples ?? DEFAULT_SAMPLES,
    seed: options.seed ?? DEFAULT_SEARCH_SEED,
    sigma0: options.sigma0 ?? DEFAULT_SIGMA0,
    muInit: options.muInit ?? initialMu(space),
    ppo: { ...DEFAULT_PPO, ...definedEntries(options.ppo ?? {}) },
  };
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new UserError(`${name} must be a positive integer, got ${v}`);
  };
  positiveInt('rounds', settings.rounds);
  positiveInt('samples', settings.samples);
  positiveInt('ppo.steps', settings.ppo.steps);
  if (!Number.isSafeInteger(settings.seed)) throw new UserError(`seed must be an integer, got ${settings.seed}`);
  if (!(settings.sigma0 > 0 && Number.isFinite(settings.sigma0)))
    throw new UserError(`sigma0 must be a positive number, got ${settings.sigma0}`);
  const dims = spaceDims(space);
  if (settings.muInit.length !== dims || !settings.muInit.every((m) => m > 0 && m < 1)) {
    throw new UserError(`muInit must hold ${dims} numbers in (0, 1) for search space '${space.name}'`);
  }
  return settings;
}

/**
 * Runs (or resumes) a loss search (docs/spec/paper-spec.md §7): per round, draws the round's θ and fixes them in
 * the state before any job starts, runs the unfinished samples' proxy trainings through the
 * runner, persists every outcome atomically as it arrives, then makes the PPO update and σ step,
 * and rewrites `rounds.jsonl` and `final-params.json`. A search killed at any point and resumed
 * redraws nothing, retrains no sample whose outcome was recorded, and ends in the same state as
 * an uninterrupted one.
 *
 * @example
 * const result = await runSearch({ out: 'runs/search-1', runner: createLocalRunner({...}), rounds: 10, samples: 8, task });
 * // result.finalParams → the `--loss-params` JSON for `--loss param-ap`
 */
export async function runSearch(options: RunSearchOptions): Promise<SearchResult> {
  const dir = options.out;
  const log = options.log ?? (() => {});
  const state = options.resume
    ? await resumeState(dir, options, log)
    : await startState(dir, resolveSearchSettings(options), options.task ?? {}, log);
  const settings = state.settings;
  if (state.completed) {
    log(`search in ${dir} is already complete (${state.round}/${settings.rounds} rounds); nothing to do`);
    await writeRoundsFile(dir, state);
    return { state, finalParams: await writeFinalParams(dir, state), roundsRun: 0, alreadyComplete: true };
  }
  let roundsRun = 0;
  while (state.round < settings.rounds) {
    await runRound(dir, state, options, log);
    roundsRun++;
  }
  return { state, finalParams: await writeFinalParams(dir, state), roundsRun, alreadyComplete: false };
}

async function startState(
  dir: string,
  settings: SearchSettings,
  task: Record<string, unknown>,
  log: (line: string) => void,
): Promise<SearchState> {
  if (hasSearchState(dir)) {
    throw new UserError(
      `${dir} already holds a search (${stateFile(dir)}); resume it with --resume ${dir} or choose another output folder`,
    );
  }
  await mkdir(dir, { recursive: true });
  const muX = settings.muInit.map(logit);
  const now = new Date().toISOString();
  const state: SearchState = {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    settings,
    task,
    round: 0,
    muX,
    mu: muX.map(sigmoid),
    sigma: settings.muInit.map(() => settings.sigma0),
    rng: Rng.from(settings.seed).state(),
    current: null,
    history: [],
    completed: false,
    createdAt: now,
    updatedAt: now,
  };
  await saveSearchState(dir, state);
  await writeRoundsFile(dir, state);
  await writeFinalParams(dir, state);
  log(
    `search in ${dir}: space '${settings.space.name}' (${muX.length} dims), ${settings.rounds} rounds × ${settings.samples} samples, seed ${settings.seed}`,
  );
  return state;
}

/**
 * Loads `<dir>/state.json` and checks the options against it: settings left undefined take the
 * stored values (so `--resume <dir>` needs no other flag); settings given must equal them.
 */
async function resumeState(dir: string, options: RunSearchOptions, log: (line: string) => void): Promise<SearchState> {
  const state = await loadSearchState(dir);
  const stored = state.settings;
  // Compared as given (no validation needed: equal to the stored, validated settings or an error).
  const requested: SearchSettings = {
    space: options.space ?? stored.space,
    rounds: options.rounds ?? stored.rounds,
    samples: options.samples ?? stored.samples,
    seed: options.seed ?? stored.seed,
    sigma0: options.sigma0 ?? stored.sigma0,
    muInit: options.muInit ?? stored.muInit,
    ppo: { ...stored.ppo, ...definedEntries(options.ppo ?? {}) },
  };
  assertSameSettings(stored, requested, stateFile(dir));
  const task = options.task;
  if (task !== undefined && JSON.stringify(task) !== JSON.stringify(state.task)) {
    log(
      `warning: the task settings differ from those the search started with; using the stored ones (${JSON.stringify(state.task)})`,
    );
  }
  if (!state.completed) {
    const done = state.current?.outcomes.filter((o) => o !== null).length ?? 0;
    log(
      `resuming ${dir} at round ${state.round + 1}/${stored.rounds} (${done}/${stored.samples} samples of it recorded)`,
    );
  }
  return state;
}

/** Draws round `state.round`'s θ and seeds and saves them before any job starts. */
async function beginRound(dir: string, state: SearchState): Promise<RoundInProgress> {
  if (state.current !== null) return state.current;
  const { samples, seed } = state.settings;
  const rng = Rng.fromState(state.rng);
  const thetas = drawThetas(state.muX, state.sigma, samples, rng);
  state.current = {
    round: state.round,
    sigma: [...state.sigma],
    thetas,
    seeds: thetas.map((_, n) => proxySeed(seed, state.round, n)),
    outcomes: thetas.map(() => null),
    wallSeconds: 0,
  };
  state.rng = rng.state();
  await saveSearchState(dir, state);
  return state.current;
}

/** The job of sample `n` of the current round (a pure function of the state, so resumes rebuild it identically). */
export function proxyJobFor(state: SearchState, n: number): ProxyJob {
  const current = state.current;
  if (current === null) throw new Error('proxyJobFor: no round in progress');
  const theta = current.thetas[n];
  return {
    key: `r${current.round}-s${n}`,
    round: current.round,
    sample: n,
    theta,
    seed: current.seeds[n],
    lossParams: thetaToLossParams(state.settings.space, theta) as unknown as Record<string, unknown>,
    task: state.task,
  };
}

async function runRound(
  dir: string,
  state: SearchState,
  options: RunSearchOptions,
  log: (line: string) => void,
): Promise<void> {
  const { rounds, samples } = state.settings;
  const current = await beginRound(dir, state);
  const segmentStart = performance.now();
  const wallBefore = current.wallSeconds;
  const jobs = current.outcomes.flatMap((o, n) => (o === null ? [proxyJobFor(state, n)] : []));
  const indexByKey = new Map(jobs.map((job) => [job.key, job.sample]));
  log(
    `round ${current.round + 1}/${rounds}: σ = ${formatNumber(current.sigma[0])}, ${jobs.length} of ${samples} samples to train`,
  );
  const serial = createSerial();
  const onOutcome = (outcome: ProxyOutcome) =>
    serial(async () => {
      const n = indexByKey.get(outcome.key);
      if (n === undefined || current.outcomes[n] !== null) {
        log(`warning: ignoring an outcome for ${n === undefined ? 'unknown' : 'already recorded'} job ${outcome.key}`);
        return;
      }
      current.outcomes[n] = sampleRecord(outcome);
      current.wallSeconds = wallBefore + (performance.now() - segmentStart) / 1000;
      await saveSearchState(dir, state);
      const done = current.outcomes.filter((o) => o !== null).length;
      options.onSample?.({ job: jobs.find((j) => j.sample === n)!, outcome, done, total: samples });
    });
  if (jobs.length > 0) await options.runner.run(jobs, onOutcome, options.onProgress);
  const missing = current.outcomes.flatMap((o, n) => (o === null ? [`r${current.round}-s${n}`] : []));
  if (missing.length > 0)
    throw new Error(
      `runner '${options.runner.name}' finished round ${current.round} without outcomes for ${missing.join(', ')}`,
    );
  const record = finishRound(state, current, wallBefore + (performance.now() - segmentStart) / 1000);
  await saveSearchState(dir, state);
  await writeRoundsFile(dir, state);
  await writeFinalParams(dir, state);
  const r = record.rewards;
  log(
    `round ${record.round + 1}/${rounds} done: reward mean ${formatNumber(r.mean)} ± ${formatNumber(r.std)} (min ${formatNumber(r.min)}, max ${formatNumber(r.max)}), ${record.failed} failed, ${record.wallSeconds.toFixed(1)} s`,
  );
  await options.onRound?.(record, state);
}

/** The round's update (docs/spec/paper-spec.md §7.2–7.3): σ step, PPO on mu_x with σ_old → σ_new; moves the state to the next round. */
function finishRound(state: SearchState, current: RoundInProgress, wallSeconds: number): RoundRecord {
  const samples = current.outcomes as SampleRecord[];
  const rewards = samples.map((s) => s.reward);
  const sigmaNext = nextSigma(current.sigma, current.round, state.settings.rounds);
  const update = ppoUpdate(
    state.muX,
    { thetas: current.thetas, rewards, sigmaOld: current.sigma, sigmaNew: sigmaNext },
    state.settings.ppo,
  );
  const muAfter = update.muX.map(sigmoid);
  const record: RoundRecord = {
    round: current.round,
    sigma: current.sigma,
    sigmaNext,
    muBefore: state.mu,
    muAfter,
    thetas: current.thetas,
    seeds: current.seeds,
    samples,
    rewards: rewardStats(rewards),
    failed: samples.filter((s) => s.failed).length,
    trainSeconds: samples.reduce((t, s) => t + s.seconds, 0),
    wallSeconds,
    ppo: {
      objectiveFirst: update.objectiveFirst,
      objectiveLast: update.objectiveLast,
      skippedSteps: update.skippedSteps,
    },
  };
  state.history.push(record);
  state.round += 1;
  state.muX = update.muX;
  state.mu = muAfter;
  state.sigma = sigmaNext;
  state.current = null;
  state.completed = state.round === state.settings.rounds;
  return record;
}

/** An outcome as stored; a non-finite reward counts as a failed sample with reward 0. */
function sampleRecord(outcome: ProxyOutcome): SampleRecord {
  const finite = Number.isFinite(outcome.reward);
  const record: SampleRecord = {
    reward: finite ? outcome.reward : 0,
    failed: outcome.failed || !finite,
    seconds: outcome.seconds,
  };
  const reason = finite
    ? outcome.reason
    : `non-finite reward ${outcome.reward}${outcome.reason ? `; ${outcome.reason}` : ''}`;
  if (reason !== undefined) record.reason = reason;
  if (outcome.worker !== undefined) record.worker = outcome.worker;
  if (outcome.attempt !== undefined) record.attempt = outcome.attempt;
  return record;
}

/** Mean, population std, min and max. */
export function rewardStats(rewards: readonly number[]): RewardStats {
  const mean = rewards.reduce((s, r) => s + r, 0) / rewards.length;
  const variance = rewards.reduce((s, r) => s + (r - mean) ** 2, 0) / rewards.length;
  return { mean, std: Math.sqrt(variance), min: Math.min(...rewards), max: Math.max(...rewards) };
}

/** Runs async callbacks one at a time, in call order (each outcome writes the state file). */
function createSerial(): (task: () => Promise<void>) => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  return (task) => {
    const result = tail.then(task);
    tail = result.catch(() => undefined);
    return result;
  };
}

/** The entries of `object` whose value is not undefined (so `{ lr: undefined }` does not erase a default). */
function definedEntries<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}
