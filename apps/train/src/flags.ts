/**
 * Command-line flags of apdet-train (Node's util.parseArgs) and their validation into typed
 * values. Every problem is a one-line UserError.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { UserError } from '@apdet/io';
import { DEFAULT_LOSS, LOSS_NAMES } from '@apdet/losses';

export const DETECTORS = ['retinanet'] as const;
export type DetectorName = (typeof DETECTORS)[number];

export const USAGE = `usage: apdet-train <detector> [flags]        (detectors: ${DETECTORS.join(', ')})
       pnpm nx train retinanet --loss param-ap

  --loss <name>          registry loss (default ${DEFAULT_LOSS}): ${LOSS_NAMES.join(', ')}
  --loss-params <file>   JSON with control points / gradient scale / weights for the loss
  --config <name|file>   preset name or JSON file {"base": "<preset>", ...overrides} (default retinanet-tiny)
  --data <dir>           dataset dir with instances_train.json, instances_val.json, train/, val/
                         (default: the built-in shapes dataset in data/shapes, generated on first use)
  --epochs <n>           overrides train.epochs
  --batch <n>            overrides train.batchSize (the lr is scaled linearly unless --lr is given)
  --lr <x>               overrides train.lr (for the effective batch)
  --pretrained <file>    ImageNet backbone weights (torchvision-named safetensors); overrides backbone.pretrained
  --init <checkpoint>    start the backbone and FPN from an apdet-train checkpoint (the head starts fresh)
  --backend <name>       tensorflow | wasm | cpu (default: the fastest that loads)
  --threads <n>          wasm compute threads (default: 2, or 1 on a 1-core machine)
  --seed <n>             initialisation, shuffling and augmentation seed (default 0)
  --out <dir>            run folder (default runs/<detector>-<loss>-<timestamp>)
  --resume <run dir>     continue a run exactly from its latest checkpoint (settings from its manifest)
  --eval-every <epochs>  evaluate on val every N epochs (0 = only at the end; default 0)
  --log-every <steps>    metrics/log line every N steps (default 10)
  --max-steps <n>        stop after n optimisation steps in total (short runs, tests)
  --train-images <n>     train on the first n training images only (short runs, tests)
  --val-images <n>       evaluate on the first n validation images only (short runs, tests)
  -h, --help             show this help`;

const OPTIONS = {
  loss: { type: 'string' },
  'loss-params': { type: 'string' },
  config: { type: 'string' },
  data: { type: 'string' },
  pretrained: { type: 'string' },
  init: { type: 'string' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  'eval-every': { type: 'string' },
  'log-every': { type: 'string' },
  'max-steps': { type: 'string' },
  'train-images': { type: 'string' },
  'val-images': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type BackendFlag = 'tensorflow' | 'wasm' | 'cpu';

/** The parsed command line; absent flags are undefined. */
export interface TrainFlags {
  help: boolean;
  detector: DetectorName;
  loss?: string;
  lossParams?: string;
  config?: string;
  pretrained?: string;
  init?: string;
  data?: string;
  epochs?: number;
  batch?: number;
  lr?: number;
  backend?: BackendFlag;
  threads?: number;
  seed?: number;
  out?: string;
  resume?: string;
  evalEvery?: number;
  logEvery?: number;
  maxSteps?: number;
  trainImages?: number;
  valImages?: number;
}

/** Flags that define a run; `--resume` takes them from the run's manifest instead. */
export const RUN_DEFINING_FLAGS = ['loss', 'lossParams', 'config', 'init', 'data', 'epochs', 'batch', 'lr', 'seed', 'out', 'trainImages', 'valImages'] as const;

export function parseFlags(argv: string[]): TrainFlags {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UserError(`${error instanceof Error ? error.message : String(error)} (see apdet-train --help)`);
  }
  const v = parsed.values;
  if (v.help) return { help: true, detector: 'retinanet' };
  const [detector, ...extra] = parsed.positionals;
  if (detector === undefined) throw new UserError(`missing <detector> (one of ${DETECTORS.join(', ')}); see apdet-train --help`);
  if (!(DETECTORS as readonly string[]).includes(detector)) throw new UserError(`unknown detector '${detector}'; available: ${DETECTORS.join(', ')}`);
  if (extra.length > 0) throw new UserError(`unexpected argument '${extra[0]}' (flags start with --; see apdet-train --help)`);
  const flags: TrainFlags = { help: false, detector: detector as DetectorName };
  const set = <K extends keyof TrainFlags>(key: K, value: TrainFlags[K] | undefined): void => {
    if (value !== undefined) flags[key] = value;
  };
  set('loss', v.loss);
  set('lossParams', v['loss-params']);
  set('config', v.config);
  set('pretrained', v.pretrained);
  set('init', v.init);
  set('data', v.data);
  set('out', v.out);
  set('resume', v.resume);
  set('epochs', int('--epochs', v.epochs, 1));
  set('batch', int('--batch', v.batch, 1));
  set('lr', positiveNumber('--lr', v.lr));
  set('threads', int('--threads', v.threads, 1));
  set('seed', int('--seed', v.seed, 0));
  set('evalEvery', int('--eval-every', v['eval-every'], 0));
  set('logEvery', int('--log-every', v['log-every'], 1));
  set('maxSteps', int('--max-steps', v['max-steps'], 1));
  set('trainImages', int('--train-images', v['train-images'], 1));
  set('valImages', int('--val-images', v['val-images'], 1));
  if (v.backend !== undefined) {
    if (!['tensorflow', 'wasm', 'cpu'].includes(v.backend)) throw new UserError(`--backend must be tensorflow, wasm or cpu, got '${v.backend}'`);
    flags.backend = v.backend as BackendFlag;
  }
  return flags;
}

function int(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\s*-?\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min) throw new UserError(`${flag} must be an integer >= ${min}, got '${text}'`);
  return n;
}

function positiveNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UserError(`${flag} must be a number > 0, got '${text}'`);
  return n;
}

/** The CLI's wasm threads when `--threads` is not given, on a machine with at least 2 cores. */
export const DEFAULT_MAX_THREADS = 2;

/**
 * A new run from the command line on the wasm backend (chosen or automatic) gets 2 compute
 * threads where the machine has 2 cores or more: the training step is compute-bound, and on
 * the 2-core reference machine 2 threads train the default config at 37 img/s instead of 29
 * (apps/train/README.md). `--threads` always wins; `--resume` keeps the run's own setting.
 * Library callers of runTraining keep the backend's default of 1.
 */
export function withDefaultThreads(flags: TrainFlags): TrainFlags {
  const wasmPossible = flags.backend === undefined || flags.backend === 'wasm';
  if (flags.threads !== undefined || flags.resume !== undefined || !wasmPossible) return flags;
  return { ...flags, threads: Math.min(DEFAULT_MAX_THREADS, os.availableParallelism()) };
}
