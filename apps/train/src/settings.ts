/**
 * A run's settings: flags + config preset/file + loss → one serialisable object. It is stored
 * in the run's manifest, and `--resume` rebuilds the run from it, so a resumed run cannot
 * silently differ from the one it continues.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readJsonFile, UserError } from '@apdet/io';
import { DEFAULT_LOSS, getLoss, validateLossParams, type DetectionLoss } from '@apdet/losses';
import { configFromJson, DEFAULT_RETINANET_CONFIG, getConfig, resolveConfig, type RetinaNetConfig } from '@apdet/retinanet';
import { RUN_DEFINING_FLAGS, type BackendFlag, type DetectorName, type TrainFlags } from './flags.js';

export interface RunSettings {
  detector: DetectorName;
  loss: string;
  /** The raw `--loss-params` JSON (validated), or null for the registry defaults. */
  lossParams: unknown;
  lossParamsFile: string | null;
  /** Where the config came from: a preset name or a file, plus the flags that overrode it. */
  configSource: string;
  /** The resolved config; `train.batchSize` and `train.lr` are the effective values. */
  config: RetinaNetConfig;
  /** The preset's batch size and lr before `--batch` / `--lr` (for the linear-scaling note). */
  baseBatch: number;
  baseLr: number;
  /** How the effective lr was obtained (config, --lr, or linear scaling for --batch). */
  lrRule: string;
  /** `--init`: an apdet-train checkpoint the backbone and FPN start from, or null. */
  init: string | null;
  /** Dataset directory; `builtIn` = the shapes dataset generated on first use. */
  data: { dir: string; builtIn: boolean };
  seed: number;
  backend: BackendFlag | null;
  threads: number | null;
  evalEvery: number;
  logEvery: number;
  maxSteps: number | null;
  trainImages: number | null;
  valImages: number | null;
}

export const DEFAULT_DATA_DIR = 'data/shapes';

/** Settings of a new run from the command line (config, loss and params validated). */
export async function settingsFromFlags(flags: TrainFlags): Promise<RunSettings> {
  const loss = flags.loss ?? DEFAULT_LOSS;
  const lossParams = flags.lossParams === undefined ? null : await readJsonFile(flags.lossParams);
  // Validates the name and the params now, before any dataset work.
  if (lossParams === null) getLoss(loss);
  else validateLossParams(loss, lossParams, flags.lossParams);
  if (flags.init !== undefined && !existsSync(flags.init)) throw new UserError(`--init ${flags.init}: no such file (give a run's latest.safetensors or best.safetensors)`);
  const { config: base, source } = await loadBaseConfig(flags.config);
  const overrides: Record<string, unknown> = {};
  if (flags.epochs !== undefined) overrides.epochs = flags.epochs;
  if (flags.batch !== undefined) overrides.batchSize = flags.batch;
  // Linear scaling rule (Goyal et al. 2017): a different batch without --lr keeps lr/batch.
  const lr = flags.lr ?? (flags.batch === undefined ? undefined : (base.train.lr * flags.batch) / base.train.batchSize);
  if (lr !== undefined) overrides.lr = lr;
  const flagNames = [flags.epochs !== undefined && '--epochs', flags.batch !== undefined && '--batch', flags.lr !== undefined && '--lr', flags.pretrained !== undefined && '--pretrained'].filter(Boolean);
  const sections: Record<string, unknown> = {};
  if (Object.keys(overrides).length > 0) sections.train = overrides;
  if (flags.pretrained !== undefined) sections.backbone = { pretrained: flags.pretrained };
  const config = Object.keys(sections).length === 0 ? base : resolveConfig(base, sections, flagNames.join(' '));
  return {
    detector: flags.detector,
    loss,
    lossParams,
    lossParamsFile: flags.lossParams ?? null,
    configSource: [source, ...flagNames].join(' + '),
    config,
    baseBatch: base.train.batchSize,
    baseLr: base.train.lr,
    lrRule: flags.lr !== undefined ? '--lr' : flags.batch !== undefined ? `linear scaling: ${base.train.lr} × ${flags.batch}/${base.train.batchSize}` : `config ${source}`,
    init: flags.init ?? null,
    data: flags.data === undefined ? { dir: DEFAULT_DATA_DIR, builtIn: true } : { dir: flags.data, builtIn: false },
    seed: flags.seed ?? 0,
    backend: flags.backend ?? null,
    threads: flags.threads ?? null,
    evalEvery: flags.evalEvery ?? 0,
    logEvery: flags.logEvery ?? 10,
    maxSteps: flags.maxSteps ?? null,
    trainImages: flags.trainImages ?? null,
    valImages: flags.valImages ?? null,
  };
}

/**
 * Settings of a resumed run: the manifest's, with only the flags that cannot change the
 * result (backend, threads, logging, evaluation cadence, where to stop) taken from the command line.
 */
export function settingsForResume(saved: RunSettings, flags: TrainFlags): RunSettings {
  const conflicting = RUN_DEFINING_FLAGS.filter((k) => flags[k] !== undefined);
  if (conflicting.length > 0) {
    const names = conflicting.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new UserError(`--resume continues a run with the settings in its manifest; drop ${names.join(', ')} (or start a new run)`);
  }
  return {
    ...saved,
    backend: flags.backend ?? saved.backend,
    threads: flags.threads ?? saved.threads,
    evalEvery: flags.evalEvery ?? saved.evalEvery,
    logEvery: flags.logEvery ?? saved.logEvery,
    maxSteps: flags.maxSteps ?? saved.maxSteps,
  };
}

/** The registry loss of a run (params re-validated). */
export function lossOf(settings: RunSettings): DetectionLoss {
  if (settings.lossParams === null) return getLoss(settings.loss);
  return getLoss(settings.loss, { params: settings.lossParams, paramsSource: settings.lossParamsFile ?? '--loss-params' });
}

async function loadBaseConfig(flag: string | undefined): Promise<{ config: RetinaNetConfig; source: string }> {
  if (flag === undefined) return { config: getConfig(DEFAULT_RETINANET_CONFIG), source: DEFAULT_RETINANET_CONFIG };
  const looksLikeFile = flag.endsWith('.json') || flag.includes(path.sep) || existsSync(flag);
  if (!looksLikeFile) return { config: getConfig(flag), source: flag };
  return { config: configFromJson(await readJsonFile(flag), flag), source: flag };
}
