/**
 * Command-line flags of apdet-train, defined with commander (which also generates `--help`), and
 * their validation into typed values. Every problem is a one-line UserError (see
 * packages/io/src/command-line.ts).
 */
import os from 'node:os';
import path from 'node:path';
import { Command, Option } from 'commander';
import {
  choiceOption,
  helpText as commandHelp,
  integerOption,
  parseCommandLine,
  positiveNumberOption,
  UserError,
} from '@apdet/io';
import { DEFAULT_LOSS, describeLosses } from '@apdet/losses';
import { describeDetectors, detectorNames } from './detectors.js';
import { configLooksLikeFile, DEFAULT_SAVE_EVERY_MINUTES } from './settings.js';
import { userCwd, withUserPaths } from './user-paths.js';

/** A registered detector's name (apps/train/src/detectors.ts); flags are checked against the registry. */
export type DetectorName = string;

export type BackendFlag = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
const BACKENDS: readonly BackendFlag[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

/** The smallest `--input-size` side: the coarsest feature map of the detectors has stride 32. */
export const MIN_INPUT_SIDE = 32;

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
  /** `--input-size`: [height, width]. */
  inputSize?: [number, number];
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
  /** `--save-every-minutes`: also save `latest` this often (0: only at epoch ends and stops). */
  saveEveryMinutes?: number;
  /** `--allow-data-change`: `--resume` continues on a training set that changed since the run started. */
  allowDataChange?: boolean;
}

/** The commander program of apdet-train: its options are TrainFlags' fields (commander camel-cases them). */
function trainProgram(): Command {
  const detectors = detectorNames();
  return new Command('apdet-train')
    .usage('<detector> [flags]')
    .description('Train a detector with a registry loss, checkpoint it, and evaluate it on the validation set.')
    .argument('[detector]', `the detector to train: ${detectors.join(', ')}`)
    .allowExcessArguments()
    .helpOption('-h, --help', 'show this help')
    .option('--loss <name>', `registry loss (default ${DEFAULT_LOSS}; the list is below)`)
    .option('--loss-params <file>', 'JSON with control points / gradient scale / weights for the loss')
    .option(
      '--config <name|file>',
      'preset name or JSON file {"base": "<preset>", ...overrides} (default: the detector default, e.g. retinanet-tiny)',
    )
    .option(
      '--data <dir>',
      'dataset dir with instances_train.json, instances_val.json, train/, val/ ' +
        '(default: the built-in shapes dataset in data/shapes, generated on first use)',
    )
    .option('--epochs <n>', 'overrides train.epochs', integerOption('--epochs', 1))
    .option(
      '--batch <n>',
      'overrides train.batchSize (the lr is scaled linearly unless --lr is given)',
      integerOption('--batch', 1),
    )
    .option('--lr <x>', 'overrides train.lr (for the effective batch)', positiveNumberOption('--lr'))
    .option('--input-size <n|HxW>', `overrides inputSize: n×n or H×W pixels, each >= ${MIN_INPUT_SIDE}`, inputSize)
    .option(
      '--pretrained <file>',
      'ImageNet backbone weights (torchvision-named safetensors); overrides backbone.pretrained',
    )
    .option('--init <checkpoint>', 'start the backbone and FPN from an apdet-train checkpoint (the head starts fresh)')
    .addOption(
      new Option('--backend <name>', 'tfjs backend (default: the fastest that loads)')
        .choices(BACKENDS)
        .argParser(choiceOption('--backend', BACKENDS)),
    )
    .option(
      '--threads <n>',
      `wasm compute threads (default: ${DEFAULT_MAX_THREADS}, or 1 on a 1-core machine)`,
      integerOption('--threads', 1),
    )
    .option('--seed <n>', 'initialisation, shuffling and augmentation seed (default 0)', integerOption('--seed', 0))
    .option('--out <dir>', 'run folder (default runs/<detector>-<loss>-<timestamp>)')
    .option('--resume <run dir>', 'continue a run exactly from its latest checkpoint (settings from its manifest)')
    .option(
      '--allow-data-change',
      'with --resume: continue although the training set changed since the run started (refused otherwise)',
    )
    .option(
      '--save-every-minutes <x>',
      `also save latest every x minutes (default ${DEFAULT_SAVE_EVERY_MINUTES}; 0: only at epoch ends and when stopped)`,
      nonNegativeNumber('--save-every-minutes'),
    )
    .option(
      '--eval-every <epochs>',
      'evaluate on val every N epochs (0 = only at the end; default 0)',
      integerOption('--eval-every', 0),
    )
    .option('--log-every <steps>', 'metrics/log line every N steps (default 10)', integerOption('--log-every', 1))
    .option(
      '--max-steps <n>',
      'stop after n optimisation steps in total (short runs, tests)',
      integerOption('--max-steps', 1),
    )
    .option(
      '--train-images <n>',
      'train on the first n training images only (short runs, tests)',
      integerOption('--train-images', 1),
    )
    .option(
      '--val-images <n>',
      'evaluate on the first n validation images only (short runs, tests)',
      integerOption('--val-images', 1),
    )
    .addHelpText(
      'after',
      `\ndetectors:\n${indent(describeDetectors())}\n\nlosses:\n${indent(describeLosses())}\n\n` +
        'example:\n  pnpm nx train retinanet --loss param-ap',
    );
}

/**
 * Parses apdet-train's arguments (after the program name). `-h`/`--help` gives `{ help: true }`
 * (print {@link helpText}); anything wrong is a one-line UserError.
 *
 * @example
 * parseFlags(['retinanet', '--loss', 'focal+giou', '--input-size', '256x320']).inputSize; // [256, 320]
 */
export function parseFlags(argv: readonly string[]): TrainFlags {
  const program = trainProgram();
  if (parseCommandLine(program, argv, 'apdet-train').help) return { help: true, detector: '' };
  const [detector, ...extra] = program.args;
  const names = detectorNames();
  if (detector === undefined)
    throw new UserError(`missing <detector> (one of ${names.join(', ')}); see apdet-train --help`);
  if (!names.includes(detector)) throw new UserError(`unknown detector '${detector}'; available: ${names.join(', ')}`);
  if (extra.length > 0) {
    throw new UserError(`unexpected argument '${extra[0]}' (flags start with --; see apdet-train --help)`);
  }
  return { help: false, detector, ...program.opts<Omit<TrainFlags, 'help' | 'detector'>>() };
}

/** apdet-train's `--help`: generated by commander from the option definitions, with the detectors and losses. */
export function helpText(): string {
  return commandHelp(trainProgram());
}

/** A number >= 0 (fractions allowed), else a one-line UserError. */
function nonNegativeNumber(flag: string): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < 0) {
      throw new UserError(`${flag} must be a number >= 0, got '${text}'`);
    }
    return n;
  };
}

/** `--input-size 256` → [256, 256]; `--input-size 256x320` → [256, 320] (height × width). */
function inputSize(text: string): [number, number] {
  const match = /^\s*(\d+)\s*(?:[x×]\s*(\d+)\s*)?$/i.exec(text);
  const sides = match === null ? [] : [Number(match[1]), Number(match[2] ?? match[1])];
  if (sides.length !== 2 || sides.some((s) => !Number.isSafeInteger(s) || s < MIN_INPUT_SIDE)) {
    throw new UserError(
      `--input-size must be <n> or <height>x<width> with integers >= ${MIN_INPUT_SIDE}, got '${text}'`,
    );
  }
  return [sides[0], sides[1]];
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/** The CLI's wasm threads when `--threads` is not given, on a machine with at least 2 cores. */
export const DEFAULT_MAX_THREADS = 2;

/** The flags that name files or folders. `--config` names a file only when it looks like one (else a preset). */
const PATH_FLAGS = ['lossParams', 'pretrained', 'init', 'data', 'out', 'resume'] as const;

/**
 * The command line's paths made absolute against the user's directory (`pnpm nx train` runs
 * in the workspace root; see user-paths.ts), so the manifest stores where the files really are.
 */
export function absoluteUserPaths(flags: TrainFlags): TrainFlags {
  const out = withUserPaths('train', flags, PATH_FLAGS);
  const cwd = userCwd('train');
  if (flags.config !== undefined && configLooksLikeFile(flags.config, cwd))
    out.config = path.resolve(cwd, flags.config);
  return out;
}

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
