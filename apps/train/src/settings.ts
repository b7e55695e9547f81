/**
 * A run's settings: detector + loss + config preset/file + flags → one serialisable object. It
 * is stored in the run's manifest, and `--resume` rebuilds the run from it, so a resumed run
 * cannot silently differ from the one it continues.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readJsonFile, UserError } from '@apdet/io';
import { DEFAULT_LOSS, getLoss, validateLossParams, type DetectionLoss, type LossParams } from '@apdet/losses';
import type { ClassInfo, DetectorConfigBase, DetectorSpec } from '@apdet/detector';
import { detectorSpec } from './detectors.js';
import type { BackendFlag, TrainFlags } from './flags.js';

export interface RunSettings {
  /** Registry name of the detector (apps/train/src/detectors.ts). */
  detector: string;
  loss: string;
  /** The raw `--loss-params` JSON (validated), or null for the registry defaults. */
  lossParams: unknown;
  lossParamsFile: string | null;
  /** Where the config came from: a preset name or a file, plus the flags that overrode it. */
  configSource: string;
  /** The resolved config; `train.batchSize` and `train.lr` are the effective values. */
  config: DetectorConfigBase;
  /** The preset's batch size and lr before `--batch` / `--lr` (for the linear-scaling note). */
  baseBatch: number;
  baseLr: number;
  /** How the effective lr was obtained (config, --lr, or linear scaling for --batch). */
  lrRule: string;
  /** `--init`: an apdet-train checkpoint the feature extractor starts from (absolute path), or null. */
  init: string | null;
  /**
   * Dataset directory, absolute (a run is evaluated from any directory); `builtIn` = the shapes
   * dataset generated on first use.
   */
  data: { dir: string; builtIn: boolean };
  /**
   * The model's classes (label i = `classes[i]`): the training set's categories, fixed when the
   * run starts (null until then). Detections are labelled with these everywhere.
   */
  classes: ClassInfo[] | null;
  seed: number;
  backend: BackendFlag | null;
  threads: number | null;
  evalEvery: number;
  logEvery: number;
  maxSteps: number | null;
  trainImages: number | null;
  valImages: number | null;
  /** Minutes between time-based saves of `latest` (0: only at epoch ends and stops). */
  saveEveryMinutes: number;
}

export const DEFAULT_DATA_DIR = 'data/shapes';

/**
 * `--save-every-minutes` when not given. A stop by signal or error saves anyway; this bounds what
 * a crash that cannot save (SIGKILL, an out-of-memory kill, a power cut) loses: an epoch of COCO
 * is hours. A save of the default config takes well under a second.
 */
export const DEFAULT_SAVE_EVERY_MINUTES = 10;

/** What a new run is made of, typed (the CLI reads files into this; library callers pass objects). */
export interface RunOptions {
  detector: string;
  loss?: string;
  /** `--loss-params` JSON and where it came from. */
  lossParams?: { json: unknown; source: string };
  /** A preset name, or a config object `{ "base": "<preset>", ...overrides }` and where it came from. */
  config?: string | { json: unknown; source: string };
  epochs?: number;
  batch?: number;
  lr?: number;
  inputSize?: [number, number];
  pretrained?: string;
  init?: string;
  data?: string;
  seed?: number;
  backend?: BackendFlag;
  threads?: number;
  evalEvery?: number;
  logEvery?: number;
  maxSteps?: number;
  trainImages?: number;
  valImages?: number;
  saveEveryMinutes?: number;
}

/** Settings of a new run (detector, config, loss and params validated; classes come from the data later). */
export function buildRunSettings(o: RunOptions): RunSettings {
  const spec = detectorSpec(o.detector);
  const loss = o.loss ?? DEFAULT_LOSS;
  // Validates the name and the params now, before any dataset work.
  const lossParams = o.lossParams?.json ?? null;
  if (o.lossParams === undefined) getLoss(loss);
  else checkParamsHeads(validateLossParams(loss, o.lossParams.json, o.lossParams.source), spec);
  if (o.init !== undefined && !existsSync(o.init)) {
    throw new UserError(`--init ${o.init}: no such file (give a run's latest.safetensors or best.safetensors)`);
  }
  let base: DetectorConfigBase;
  let source: string;
  if (o.config === undefined || typeof o.config === 'string') {
    source = o.config ?? spec.defaultPreset;
    base = spec.preset(source);
  } else {
    source = o.config.source;
    base = spec.configFromJson(o.config.json, source);
  }
  const train: Record<string, unknown> = {};
  if (o.epochs !== undefined) train.epochs = o.epochs;
  if (o.batch !== undefined) train.batchSize = o.batch;
  // Linear scaling rule (Goyal et al. 2017): a different batch without --lr keeps lr/batch.
  const lr = o.lr ?? (o.batch === undefined ? undefined : (base.train.lr * o.batch) / base.train.batchSize);
  if (lr !== undefined) train.lr = lr;
  const overrides: Record<string, unknown> = {};
  if (Object.keys(train).length > 0) overrides.train = train;
  if (o.pretrained !== undefined) overrides.backbone = { pretrained: path.resolve(o.pretrained) };
  if (o.inputSize !== undefined) overrides.inputSize = o.inputSize;
  const flagNames = FLAG_FIELDS.filter(([key]) => o[key] !== undefined).map(([, flag]) => flag);
  const config = Object.keys(overrides).length === 0 ? base : spec.resolveConfig(base, overrides, flagNames.join(' '));
  return {
    detector: spec.name,
    loss,
    lossParams,
    lossParamsFile: o.lossParams?.source ?? null,
    configSource: [source, ...flagNames].join(' + '),
    config,
    baseBatch: base.train.batchSize,
    baseLr: base.train.lr,
    lrRule:
      o.lr !== undefined
        ? '--lr'
        : o.batch !== undefined
          ? `linear scaling: ${base.train.lr} × ${o.batch}/${base.train.batchSize}`
          : `config ${source}`,
    init: o.init === undefined ? null : path.resolve(o.init),
    // Absolute, so the manifest names the data wherever the run is used from (apdet-eval --run).
    data: { dir: path.resolve(o.data ?? DEFAULT_DATA_DIR), builtIn: o.data === undefined },
    classes: null,
    seed: o.seed ?? 0,
    backend: o.backend ?? null,
    threads: o.threads ?? null,
    evalEvery: o.evalEvery ?? 0,
    logEvery: o.logEvery ?? 10,
    maxSteps: o.maxSteps ?? null,
    trainImages: o.trainImages ?? null,
    valImages: o.valImages ?? null,
    saveEveryMinutes: o.saveEveryMinutes ?? DEFAULT_SAVE_EVERY_MINUTES,
  };
}

/**
 * `--loss-params` per-head sections against the detector's loss heads (`DetectorSpec.heads`):
 * a section for a head the detector does not have, or, once a file has per-head sections, a
 * head without one, is a one-line UserError. Faster R-CNN's RPN and RoI head each have their own
 * functions and gradient scale (docs/spec/paper-spec.md §9.2): a file that names only `rpn`
 * would otherwise train the RoI head on the loss's defaults without a word (issue [I]).
 * Top-level fields alone (no `heads`) still apply to every head.
 */
function checkParamsHeads(params: LossParams, spec: DetectorSpec): void {
  const named = Object.keys(params.heads);
  if (named.length === 0) return;
  const known: readonly string[] = spec.heads;
  const foreign = named.find((head) => !known.includes(head));
  if (foreign !== undefined) {
    throw new UserError(
      `${params.source}: "heads.${foreign}": ${spec.name} has no ${foreign} head; its loss heads are ${known.join(', ')}`,
    );
  }
  const missing = known.find((head) => !named.includes(head));
  if (missing !== undefined) {
    throw new UserError(
      `${params.source}: "heads": no "${missing}" section; ${spec.name} trains its loss on heads ${known.join(', ')}, give each its section ({} keeps the loss's defaults for that head)`,
    );
  }
}

/** The config-changing flags, in the order they are named in `configSource`. */
const FLAG_FIELDS = [
  ['epochs', '--epochs'],
  ['batch', '--batch'],
  ['lr', '--lr'],
  ['pretrained', '--pretrained'],
  ['inputSize', '--input-size'],
] as const;

/** Settings of a new run from the command line (files read, then {@link buildRunSettings}). */
export async function settingsFromFlags(flags: TrainFlags): Promise<RunSettings> {
  const { lossParams, config, ...rest } = flags;
  return buildRunSettings({
    ...rest,
    ...(lossParams === undefined ? {} : { lossParams: { json: await readJsonFile(lossParams), source: lossParams } }),
    ...(config === undefined ? {} : { config: await configOption(config) }),
  });
}

/** Does a `--config` value name a file (rather than a preset), relative to `cwd`? */
export function configLooksLikeFile(flag: string, cwd = process.cwd()): boolean {
  return flag.endsWith('.json') || flag.includes(path.sep) || existsSync(path.resolve(cwd, flag));
}

async function configOption(flag: string): Promise<RunOptions['config']> {
  if (!configLooksLikeFile(flag)) return flag;
  return { json: await readJsonFile(flag), source: flag };
}

/** The registry loss of a run (params re-validated). */
export function lossOf(settings: Pick<RunSettings, 'loss' | 'lossParams' | 'lossParamsFile'>): DetectionLoss {
  if (settings.lossParams === null) return getLoss(settings.loss);
  return getLoss(settings.loss, {
    params: settings.lossParams,
    paramsSource: settings.lossParamsFile ?? '--loss-params',
  });
}
