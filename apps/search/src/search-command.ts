/**
 * `apdet-search <detector>`: builds the proxy task's settings, makes the proxy split once,
 * picks the runner, and runs (or resumes) the search of @apdet/search with progress lines and
 * plots after every round.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkOutputFile, flagName, parseJsonText, UserError } from '@apdet/io';
import {
  createBullmqRunner,
  createLocalRunner,
  loadSearchState,
  runSearch,
  searchSpaceFor,
  type ProxyRunner,
  type SearchState,
} from '@apdet/search';
import { DEFAULT_SHAPES_DIR } from '@apdet/data';
import { detectorSpec } from '@apdet/train';
import { DEFAULT_ROUNDS, DEFAULT_SAMPLES, DEFAULT_SEARCH_SEED, type SearchFlags } from './flags.js';
import { writeSearchPlots } from './plots.js';
import { SearchProgress, type ProgressStream } from './progress.js';
import { DEFAULT_PROXY } from './proxy-defaults.js';
import { ensureProxySplit, proxySplitSpec } from './proxy-data.js';
import { ensureProxyPretrain, PRETRAIN_DIR } from './proxy-pretrain.js';
import { parseProxyTask, type ProxyTaskSettings } from './task-schema.js';
import { assertRedisReachable } from './redis-check.js';

/** The module every worker process imports (runners load .ts through tsx). */
export const PROXY_TASK_MODULE = fileURLToPath(new URL('./proxy-task.ts', import.meta.url));

export interface SearchIo {
  log: (line: string) => void;
  progressStream: ProgressStream;
}

export const DEFAULT_SEARCH_IO: SearchIo = {
  log: (line) => process.stderr.write(`${line}\n`),
  progressStream: process.stderr,
};

export function defaultSearchDir(detector: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .replace('T', '-');
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
    config: detectorSpec(flags.detector).search.proxyConfig,
    backend: flags.backend ?? 'wasm',
    // Workers on other machines read the same path: give one they can all reach.
    ...(flags.proxyInit === undefined ? {} : { init: path.resolve(flags.proxyInit) }),
  };
}

/**
 * `--resume` as users type it: the original command with `--resume <dir>` added. Every flag that
 * defines the proxy task must agree with the stored task; the first that does not is named.
 * (`--rounds`, `--samples` and `--seed` are checked against the stored state by runSearch.)
 */
function checkResumeFlags(flags: SearchFlags, task: ProxyTaskSettings, dir: string): void {
  const samePath = (a: string | undefined, b: string | undefined) =>
    a !== undefined && b !== undefined && path.resolve(a) === path.resolve(b);
  const pretrainManifest = path.join(dir, PRETRAIN_DIR, 'manifest.json');
  const pretrainEpochs = (): number | undefined => {
    if (!existsSync(pretrainManifest)) return 0;
    // Read as any stored file: invalid JSON is one line naming it, not a stack trace.
    const manifest = parseJsonText(readFileSync(pretrainManifest, 'utf8'), pretrainManifest) as {
      settings?: { config?: { train?: { epochs?: unknown } } };
    } | null;
    const epochs = manifest?.settings?.config?.train?.epochs;
    return typeof epochs === 'number' ? epochs : undefined;
  };
  const checks: [keyof SearchFlags, () => boolean, () => unknown][] = [
    ['out', () => samePath(flags.out, dir), () => dir],
    ['proxyImages', () => flags.proxyImages === task.trainImages, () => task.trainImages],
    ['proxyValImages', () => flags.proxyValImages === task.valImages, () => task.valImages],
    ['proxyEpochs', () => flags.proxyEpochs === task.epochs, () => task.epochs],
    ['proxyInit', () => samePath(flags.proxyInit, task.init), () => task.init ?? 'none'],
    ['proxyPretrainEpochs', () => flags.proxyPretrainEpochs === pretrainEpochs(), () => pretrainEpochs() ?? 'unknown'],
    ['backend', () => flags.backend === task.backend, () => task.backend ?? 'default'],
  ];
  for (const [key, agrees, stored] of checks) {
    if (flags[key] !== undefined && !agrees()) {
      throw new UserError(
        `--resume ${dir}: ${flagName(key)} disagrees with the search (it has ${String(stored())}); drop it to continue the stored search`,
      );
    }
  }
}

export async function searchCommand(
  flags: SearchFlags,
  io: SearchIo = DEFAULT_SEARCH_IO,
  taskOverride?: ProxyTaskSettings,
): Promise<SearchState> {
  const dir = flags.resume ?? flags.out ?? defaultSearchDir(flags.detector);
  // The search folder must be writable before any work (the proxy split, the warm start).
  if (flags.resume === undefined) await checkOutputFile(path.join(dir, 'state.json'), '--out');
  const stored = flags.resume === undefined ? null : await loadStateOrExplain(flags.resume);
  let task =
    stored !== null
      ? parseProxyTask(stored.task, path.join(dir, 'state.json'), 'task')
      : (taskOverride ?? proxyTaskFromFlags(flags));
  if (stored !== null) checkResumeFlags(flags, task, dir);
  if (task.init !== undefined && !existsSync(task.init))
    throw new UserError(`--proxy-init ${task.init}: no such file (give an apdet-train run's latest.safetensors)`);
  // Settings not given on the command line of a resume are the stored ones (a different value is an error in runSearch).
  const rounds = flags.rounds ?? stored?.settings.rounds ?? DEFAULT_ROUNDS;
  const samples = flags.samples ?? stored?.settings.samples ?? DEFAULT_SAMPLES;
  const seed = flags.seed ?? stored?.settings.seed ?? DEFAULT_SEARCH_SEED;

  // An unreachable Redis fails in one line before any data work.
  if (flags.runner === 'bullmq') await assertRedisReachable(flags.redis!);
  // Made once here, before any worker exists, so parallel workers never race to create it.
  const split = await ensureProxySplit(task.split, io.log);
  if (split.trainImages < task.trainImages)
    io.log(
      `note: the proxy split has ${split.trainImages} proxy-train images; --proxy-images ${task.trainImages} uses all of them`,
    );
  const pretrainEpochs = flags.proxyPretrainEpochs ?? DEFAULT_PROXY.pretrainEpochs;
  if (stored === null && task.init === undefined && pretrainEpochs > 0) {
    // Before the state exists, so the stored task names the checkpoint and a resume reuses it.
    const init = await ensureProxyPretrain({
      searchDir: dir,
      task,
      epochs: pretrainEpochs,
      seed: flags.seed ?? DEFAULT_SEARCH_SEED,
      io: { log: io.log, progressStream: io.progressStream, out: () => {} },
    });
    task = { ...task, init };
  }
  const runner = await createRunner(flags, io.log);
  const progress = new SearchProgress(io.progressStream);
  try {
    io.log(
      `search ${dir}: ${task.detector}, ${plural(rounds, 'round')} × ${plural(samples, 'sample')}, runner ${runner.name}; proxy: ${task.trainImages} images × ${plural(task.epochs, 'epoch')}, reward = AP on ${task.valImages} proxy-val images (${task.split.dir})`,
    );
    const result = await runSearch({
      out: dir,
      runner: withRoundProgress(runner, progress, rounds, samples),
      rounds,
      samples,
      seed,
      task: task,
      space: searchSpaceFor(task.detector, detectorSpec(task.detector).search.heads),
      resume: stored !== null,
      log: (line) => progress.line(line),
      onProgress: (p) => progress.sampleProgress(p),
      onSample: (e) => progress.sampleDone(e.outcome),
      onRound: async (_record, state) => {
        await writeSearchPlots(dir, roundsOf(state), muSeries(state), (w) => progress.line(w), state.settings.space);
      },
    });
    progress.finish();
    io.log(
      `search ${result.state.completed ? 'finished' : 'stopped'}: ${path.join(dir, 'final-params.json')} (train with: pnpm nx train ${task.detector} --loss param-ap --loss-params ${path.join(dir, 'final-params.json')})`,
    );
    return result.state;
  } finally {
    progress.finish();
    await runner.close();
  }
}

/** The stored state, or an error that says how to continue a search stopped before round 1. */
async function loadStateOrExplain(dir: string): Promise<SearchState> {
  if (!existsSync(path.join(dir, 'state.json')) && existsSync(path.join(dir, PRETRAIN_DIR))) {
    throw new UserError(
      `${dir}: the search stopped during its proxy warm start, before round 1; run the same command with --out ${dir} (instead of --resume) to continue it`,
    );
  }
  return loadSearchState(dir);
}

function createRunner(flags: SearchFlags, log: (line: string) => void): Promise<ProxyRunner> | ProxyRunner {
  if (flags.runner === 'bullmq') {
    return createBullmqRunner({ redis: flags.redis!, log });
  }
  return createLocalRunner({
    taskModule: { path: PROXY_TASK_MODULE },
    ...(flags.workers === undefined ? {} : { workers: flags.workers }),
    log,
  });
}

/** Tells the progress display which round runs (runSearch calls run() once per round, with its unfinished jobs). */
function withRoundProgress(
  runner: ProxyRunner,
  progress: SearchProgress,
  rounds: number,
  samples: number,
): ProxyRunner {
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

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
