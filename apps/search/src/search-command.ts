/**
 * `apdet-search <detector>`: builds the proxy task's settings, makes the proxy split once,
 * picks the runner, and runs (or resumes) the search of @apdet/search with progress lines and
 * plots after every round.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '@apdet/io';
import { createBullmqRunner, createLocalRunner, loadSearchState, runSearch, type ProxyRunner, type SearchState } from '@apdet/search';
import { DEFAULT_SHAPES_DIR } from '@apdet/data';
import { DEFAULT_ROUNDS, DEFAULT_SAMPLES, DEFAULT_SEARCH_SEED, type SearchFlags } from './flags.js';
import { writeSearchPlots } from './plots.js';
import { SearchProgress, type ProgressStream } from './progress.js';
import { DEFAULT_PROXY } from './proxy-defaults.js';
import { ensureProxySplit, proxySplitSpec } from './proxy-data.js';
import { ensureProxyPretrain, PRETRAIN_DIR } from './proxy-pretrain.js';
import type { ProxyTaskSettings } from './proxy-task.js';
import { assertRedisReachable } from './redis-check.js';

/** The module every worker process imports (runners load .ts through tsx). */
export const PROXY_TASK_MODULE = fileURLToPath(new URL('./proxy-task.ts', import.meta.url));

export interface SearchIo {
  log: (line: string) => void;
  progressStream: ProgressStream;
}

export const DEFAULT_SEARCH_IO: SearchIo = { log: (line) => process.stderr.write(`${line}\n`), progressStream: process.stderr };

export function defaultSearchDir(detector: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
  return path.join('runs', `search-${detector}-${stamp}`);
}

/** The proxy task of a new search from the flags and the defaults. */
export function proxyTaskFromFlags(flags: SearchFlags): ProxyTaskSettings {
  const seed = flags.seed ?? DEFAULT_SEARCH_SEED;
  return {
    detector: flags.detector,
    split: proxySplitSpec(DEFAULT_SHAPES_DIR, true, seed),
    trainImages: flags.proxyImages ?? DEFAULT_PROXY.trainImages,
    valImages: flags.proxyValImages ?? DEFAULT_PROXY.valImages,
    epochs: flags.proxyEpochs ?? DEFAULT_PROXY.epochs,
    config: DEFAULT_PROXY.config,
    backend: flags.backend ?? 'wasm',
    // Workers on other machines read the same path: give one they can all reach.
    ...(flags.proxyInit === undefined ? {} : { init: path.resolve(flags.proxyInit) }),
  };
}

/** Flags that define the proxy task; a resumed search uses the stored task instead. */
const TASK_FLAGS = ['proxyImages', 'proxyValImages', 'proxyEpochs', 'proxyInit', 'proxyPretrainEpochs', 'backend'] as const;

export async function searchCommand(flags: SearchFlags, io: SearchIo = DEFAULT_SEARCH_IO, taskOverride?: ProxyTaskSettings): Promise<SearchState> {
  const dir = flags.resume ?? flags.out ?? defaultSearchDir(flags.detector);
  const stored = flags.resume === undefined ? null : await loadStateOrExplain(flags.resume);
  if (stored !== null) {
    const given = TASK_FLAGS.filter((k) => flags[k] !== undefined);
    if (given.length > 0) throw new UserError(`--resume continues the search with its stored proxy task; drop ${given.map(flagName).join(', ')}`);
  }
  let task = stored !== null ? (stored.task as unknown as ProxyTaskSettings) : (taskOverride ?? proxyTaskFromFlags(flags));
  if (task.init !== undefined && !existsSync(task.init)) throw new UserError(`--proxy-init ${task.init}: no such file (give an apdet-train run's latest.safetensors)`);
  // Settings not given on the command line of a resume are the stored ones (a different value is an error in runSearch).
  const rounds = flags.rounds ?? stored?.settings.rounds ?? DEFAULT_ROUNDS;
  const samples = flags.samples ?? stored?.settings.samples ?? DEFAULT_SAMPLES;
  const seed = flags.seed ?? stored?.settings.seed ?? DEFAULT_SEARCH_SEED;

  // An unreachable Redis fails in one line before any data work.
  if (flags.runner === 'bullmq') await assertRedisReachable(flags.redis!);
  // Made once here, before any worker exists, so parallel workers never race to create it.
  const split = await ensureProxySplit(task.split, io.log);
  if (split.trainImages < task.trainImages) io.log(`note: the proxy split has ${split.trainImages} proxy-train images; --proxy-images ${task.trainImages} uses all of them`);
  const pretrainEpochs = flags.proxyPretrainEpochs ?? DEFAULT_PROXY.pretrainEpochs;
  if (stored === null && task.init === undefined && pretrainEpochs > 0) {
    // Before the state exists, so the stored task names the checkpoint and a resume reuses it.
    const init = await ensureProxyPretrain({ searchDir: dir, task, epochs: pretrainEpochs, seed: flags.seed ?? DEFAULT_SEARCH_SEED, io: { log: io.log, progressStream: io.progressStream, out: () => {} } });
    task = { ...task, init };
  }
  const runner = await createRunner(flags, io.log);
  const progress = new SearchProgress(io.progressStream);
  try {
    io.log(`search ${dir}: ${task.detector}, ${plural(rounds, 'round')} × ${plural(samples, 'sample')}, runner ${runner.name}; proxy: ${task.trainImages} images × ${plural(task.epochs, 'epoch')}, reward = AP on ${task.valImages} proxy-val images (${task.split.dir})`);
    const result = await runSearch({
      out: dir,
      runner: withRoundProgress(runner, progress, rounds, samples),
      rounds,
      samples,
      seed,
      task: task as unknown as Record<string, unknown>,
      resume: stored !== null,
      log: (line) => progress.line(line),
      onProgress: (p) => progress.sampleProgress(p),
      onSample: (e) => progress.sampleDone(e.outcome),
      onRound: async (_record, state) => {
        await writeSearchPlots(dir, roundsOf(state), muSeries(state), (w) => progress.line(w));
      },
    });
    progress.finish();
    io.log(`search ${result.state.completed ? 'finished' : 'stopped'}: ${path.join(dir, 'final-params.json')} (train with: pnpm nx train ${task.detector} --loss param-ap --loss-params ${path.join(dir, 'final-params.json')})`);
    return result.state;
  } finally {
    progress.finish();
    await runner.close();
  }
}

/** The stored state, or an error that says how to continue a search stopped before round 1. */
async function loadStateOrExplain(dir: string): Promise<SearchState> {
  if (!existsSync(path.join(dir, 'state.json')) && existsSync(path.join(dir, PRETRAIN_DIR))) {
    throw new UserError(`${dir}: the search stopped during its proxy warm start, before round 1; run the same command with --out ${dir} (instead of --resume) to continue it`);
  }
  return loadSearchState(dir);
}

async function createRunner(flags: SearchFlags, log: (line: string) => void): Promise<ProxyRunner> {
  if (flags.runner === 'bullmq') {
    return createBullmqRunner({ redis: flags.redis!, log });
  }
  return createLocalRunner({ taskModule: { path: PROXY_TASK_MODULE }, ...(flags.workers === undefined ? {} : { workers: flags.workers }), log });
}

/** Tells the progress display which round runs (runSearch calls run() once per round, with its unfinished jobs). */
function withRoundProgress(runner: ProxyRunner, progress: SearchProgress, rounds: number, samples: number): ProxyRunner {
  return {
    name: runner.name,
    run(jobs, onOutcome, onProgress) {
      progress.roundStart(jobs[0]?.round ?? 0, rounds, samples, samples - jobs.length);
      return runner.run(jobs, onOutcome, onProgress);
    },
    close: () => runner.close(),
  };
}

function roundsOf(state: SearchState): { round: number; rewards: number[] }[] {
  return state.history.map((r) => ({ round: r.round, rewards: r.samples.map((s) => s.reward) }));
}

/** μ before the first round and after every finished one. */
function muSeries(state: SearchState): { round: number; mu: number[] }[] {
  const first = state.history[0];
  if (first === undefined) return [];
  return [{ round: 0, mu: first.muBefore }, ...state.history.map((r) => ({ round: r.round + 1, mu: r.muAfter }))];
}

function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
