/**
 * Command-line flags of apdet-search (Node's util.parseArgs) and their validation into typed
 * values. Two commands: `apdet-search <detector> [flags]` runs a search, `apdet-search worker
 * --redis <url>` serves a BullMQ queue. Every problem is a one-line UserError.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { UserError } from '@apdet/io';
import { DEFAULT_PROXY } from './proxy-defaults.js';

export const DETECTORS = ['retinanet'] as const;
export type DetectorName = (typeof DETECTORS)[number];
/** Detectors the project has but the search does not drive yet (a clearer error than "unknown"). */
const NOT_YET = ['faster-rcnn', 'fasterrcnn', 'deformable-detr', 'detr'];

export type RunnerName = 'local' | 'bullmq';
export type BackendFlag = 'tensorflow' | 'wasm' | 'cpu';

export const DEFAULT_ROUNDS = 8;
export const DEFAULT_SAMPLES = 8;
/** The official search's seed (spec §7.2). */
export const DEFAULT_SEARCH_SEED = 42;

export const USAGE = `usage: apdet-search <detector> [flags]          (detectors: ${DETECTORS.join(', ')})
       apdet-search worker --redis <url> [--concurrency <n>]
       pnpm nx search retinanet --rounds 8 --samples 8

Searches the Parameterized AP loss's control points and gradient scale with PPO (paper §7):
each round samples --samples loss parameter sets, trains the detector briefly on a proxy split
of the training set with each (in parallel), and moves the policy toward the best rewards.

search flags:
  --rounds <n>           policy updates (default ${DEFAULT_ROUNDS})
  --samples <n>          proxy trainings per round (default ${DEFAULT_SAMPLES})
  --workers <n>          local runner: parallel proxy trainings (default: number of cores, ${os.availableParallelism()})
  --runner <name>        local (default) | bullmq (jobs go to a Redis queue served by \`apdet-search worker\`)
  --redis <url>          Redis URL for --runner bullmq, e.g. redis://127.0.0.1:6379
  --proxy-images <n>     proxy training images (default ${DEFAULT_PROXY.trainImages})
  --proxy-val-images <n> proxy held-out images the reward is measured on (default ${DEFAULT_PROXY.valImages})
  --proxy-epochs <n>     proxy training epochs (default ${DEFAULT_PROXY.epochs})
  --proxy-pretrain-epochs <n>
                         warm start: before round 1, train ${DEFAULT_PROXY.pretrainLoss} once on proxy-train for n epochs;
                         every proxy's backbone and FPN start from it (default ${DEFAULT_PROXY.pretrainEpochs}; 0: from scratch)
  --proxy-init <file>    warm start from this apdet-train checkpoint instead (the head starts fresh)
  --seed <n>             search seed: policy samples, proxy split, training seeds (default ${DEFAULT_SEARCH_SEED})
  --backend <name>       tensorflow | wasm | cpu for the proxy trainings (default wasm)
  --out <dir>            search folder (default runs/search-<detector>-<timestamp>)
  --resume <dir>         continue an interrupted search; finished proxy trainings are not redone

worker flags:
  --redis <url>          the Redis the search enqueues to (required)
  --concurrency <n>      proxy trainings at a time in this worker (default 1; one core each)
  -h, --help             show this help`;

const SEARCH_OPTIONS = {
  rounds: { type: 'string' },
  samples: { type: 'string' },
  workers: { type: 'string' },
  runner: { type: 'string' },
  redis: { type: 'string' },
  'proxy-images': { type: 'string' },
  'proxy-val-images': { type: 'string' },
  'proxy-epochs': { type: 'string' },
  'proxy-init': { type: 'string' },
  'proxy-pretrain-epochs': { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const WORKER_OPTIONS = {
  redis: { type: 'string' },
  concurrency: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A parsed `apdet-search <detector>` command line; absent flags are undefined. */
export interface SearchFlags {
  command: 'search';
  detector: DetectorName;
  rounds?: number;
  samples?: number;
  workers?: number;
  runner: RunnerName;
  redis?: string;
  proxyImages?: number;
  proxyValImages?: number;
  proxyEpochs?: number;
  proxyInit?: string;
  proxyPretrainEpochs?: number;
  seed?: number;
  backend?: BackendFlag;
  out?: string;
  resume?: string;
}

export interface WorkerFlags {
  command: 'worker';
  redis: string;
  concurrency: number;
}

export type CliCommand = SearchFlags | WorkerFlags | { command: 'help' };

export function parseCommandLine(argv: readonly string[]): CliCommand {
  if (argv[0] === 'worker') return parseWorkerFlags(argv.slice(1));
  return parseSearchFlags(argv);
}

function parseStrict<O extends Record<string, { type: 'string' | 'boolean'; short?: string }>>(argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UserError(`${error instanceof Error ? error.message : String(error)} (see apdet-search --help)`);
  }
}

export function parseSearchFlags(argv: readonly string[]): SearchFlags | { command: 'help' } {
  const parsed = parseStrict(argv, SEARCH_OPTIONS);
  const v = parsed.values;
  if (v.help) return { command: 'help' };
  const [detector, ...extra] = parsed.positionals;
  if (detector === undefined) throw new UserError(`missing <detector> (one of ${DETECTORS.join(', ')}) or 'worker'; see apdet-search --help`);
  if (NOT_YET.includes(detector)) throw new UserError(`the search supports ${DETECTORS.join(', ')} only for now; '${detector}' has no proxy task yet`);
  if (!(DETECTORS as readonly string[]).includes(detector)) throw new UserError(`unknown detector '${detector}'; available: ${DETECTORS.join(', ')}`);
  if (extra.length > 0) throw new UserError(`unexpected argument '${extra[0]}' (flags start with --; see apdet-search --help)`);
  const runner = v.runner ?? 'local';
  if (runner !== 'local' && runner !== 'bullmq') throw new UserError(`--runner must be local or bullmq, got '${runner}'`);
  const flags: SearchFlags = { command: 'search', detector: detector as DetectorName, runner };
  const set = <K extends keyof SearchFlags>(key: K, value: SearchFlags[K] | undefined): void => {
    if (value !== undefined) flags[key] = value;
  };
  set('rounds', int('--rounds', v.rounds, 1));
  set('samples', int('--samples', v.samples, 2)); // the advantage is R − mean(R): one sample never moves the policy
  set('workers', int('--workers', v.workers, 1));
  set('proxyImages', int('--proxy-images', v['proxy-images'], 1));
  set('proxyValImages', int('--proxy-val-images', v['proxy-val-images'], 1));
  set('proxyEpochs', int('--proxy-epochs', v['proxy-epochs'], 1));
  set('seed', int('--seed', v.seed, 0));
  set('proxyInit', nonEmpty('--proxy-init', v['proxy-init'], 'a checkpoint file'));
  set('proxyPretrainEpochs', int('--proxy-pretrain-epochs', v['proxy-pretrain-epochs'], 0));
  set('out', nonEmpty('--out', v.out));
  set('resume', nonEmpty('--resume', v.resume));
  set('redis', v.redis === undefined ? undefined : redisUrl(v.redis));
  if (v.backend !== undefined) {
    if (!['tensorflow', 'wasm', 'cpu'].includes(v.backend)) throw new UserError(`--backend must be tensorflow, wasm or cpu, got '${v.backend}'`);
    flags.backend = v.backend as BackendFlag;
  }
  if (runner === 'bullmq' && flags.redis === undefined) throw new UserError('--runner bullmq needs --redis <url> (e.g. redis://127.0.0.1:6379)');
  if (runner === 'local' && flags.redis !== undefined) throw new UserError('--redis applies to --runner bullmq only');
  if (runner === 'bullmq' && flags.workers !== undefined) throw new UserError('--workers applies to --runner local; with bullmq start `apdet-search worker --redis <url>` processes instead');
  if (flags.proxyInit !== undefined && flags.proxyPretrainEpochs !== undefined && flags.proxyPretrainEpochs > 0) {
    throw new UserError('--proxy-init gives the warm start; drop --proxy-pretrain-epochs (or set it to 0)');
  }
  if (flags.resume !== undefined && flags.out !== undefined) throw new UserError('--resume continues the search in its own folder; drop --out');
  return flags;
}

export function parseWorkerFlags(argv: readonly string[]): WorkerFlags | { command: 'help' } {
  const parsed = parseStrict(argv, WORKER_OPTIONS);
  const v = parsed.values;
  if (v.help) return { command: 'help' };
  if (parsed.positionals.length > 0) throw new UserError(`apdet-search worker takes no arguments, got '${parsed.positionals[0]}'`);
  if (v.redis === undefined) throw new UserError('apdet-search worker needs --redis <url> (the Redis the search enqueues to)');
  return { command: 'worker', redis: redisUrl(v.redis), concurrency: int('--concurrency', v.concurrency, 1) ?? 1 };
}

function int(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\s*-?\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min) throw new UserError(`${flag} must be an integer >= ${min}, got '${text}'`);
  return n;
}

function nonEmpty(flag: string, text: string | undefined, what = 'a directory'): string | undefined {
  if (text !== undefined && text.trim() === '') throw new UserError(`${flag} needs ${what}, got an empty string`);
  return text;
}

/** Checks the URL's shape now so a typo fails before any proxy data or worker is set up. */
export function redisUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`--redis must be a URL like redis://host:6379, got '${text}'`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new UserError(`--redis must use redis:// or rediss://, got '${text}'`);
  if (url.hostname === '') throw new UserError(`--redis has no host: '${text}'`);
  return text;
}
