/**
 * `--resume <run>` as users type it: repeating the run's original command with `--resume` added
 * is accepted when every run-defining flag agrees with what the run stored; the first flag that
 * disagrees is named. Flags that cannot change the result (backend, threads, logging, evaluation
 * cadence, checkpoint cadence, where to stop) may change on resume.
 */
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import { flagName, UserError } from '@apdet/io';
import type { TrainFlags } from './flags.js';
import { settingsFromFlags, type RunSettings } from './settings.js';

/**
 * Flags that define a run: on `--resume` they must agree with the run's manifest. Checked in
 * this order, so a flag that changes one config field is named before `--config` (whose
 * comparison covers the whole resolved config, those fields included).
 */
export const RUN_DEFINING_FLAGS = [
  'loss',
  'lossParams',
  'epochs',
  'batch',
  'lr',
  'inputSize',
  'pretrained',
  'config',
  'init',
  'data',
  'seed',
  'out',
  'trainImages',
  'valImages',
] as const;

type DefiningFlag = (typeof RUN_DEFINING_FLAGS)[number];

const samePath = (a: string | null, b: string | null): boolean =>
  a !== null && b !== null && path.resolve(a) === path.resolve(b);

/** A config compared without the dataset-derived class count. */
const comparable = (c: RunSettings['config']): unknown => ({ ...c, numClasses: 0 });

/** Does the value a flag gives agree with the stored run? (`fresh` = settings built from the same flags.) */
function agrees(key: DefiningFlag, saved: RunSettings, fresh: RunSettings, flags: TrainFlags, runDir: string): boolean {
  const c = saved.config;
  switch (key) {
    case 'loss':
      return fresh.loss === saved.loss;
    case 'lossParams':
      return isDeepStrictEqual(fresh.lossParams, saved.lossParams);
    case 'config':
      return isDeepStrictEqual(comparable(fresh.config), comparable(saved.config));
    case 'init':
      return samePath(fresh.init, saved.init);
    case 'data':
      return !saved.data.builtIn && samePath(fresh.data.dir, saved.data.dir);
    case 'epochs':
      return flags.epochs === c.train.epochs;
    case 'batch':
      return flags.batch === c.train.batchSize;
    case 'lr':
      return flags.lr === c.train.lr;
    case 'inputSize':
      return isDeepStrictEqual(flags.inputSize, c.inputSize);
    case 'pretrained':
      return samePath(flags.pretrained ?? null, c.backbone.pretrained);
    case 'seed':
      return flags.seed === saved.seed;
    case 'out':
      return samePath(flags.out ?? null, runDir);
    case 'trainImages':
      return flags.trainImages === saved.trainImages;
    case 'valImages':
      return flags.valImages === saved.valImages;
  }
}

/** What the run stored for a flag, for the error message. */
function storedValue(key: DefiningFlag, saved: RunSettings, runDir: string): string {
  const c = saved.config;
  const values: Record<DefiningFlag, unknown> = {
    loss: saved.loss,
    lossParams: saved.lossParamsFile ?? 'none',
    config: saved.configSource,
    init: saved.init ?? 'none',
    data: saved.data.builtIn ? 'the built-in shapes dataset' : saved.data.dir,
    epochs: c.train.epochs,
    batch: c.train.batchSize,
    lr: c.train.lr,
    inputSize: c.inputSize.join('x'),
    pretrained: c.backbone.pretrained ?? 'none',
    seed: saved.seed,
    out: runDir,
    trainImages: saved.trainImages ?? 'all',
    valImages: saved.valImages ?? 'all',
  };
  return String(values[key]);
}

/**
 * Settings of a resumed run: the manifest's, after checking that every run-defining flag given
 * agrees with them; backend, threads, logging, evaluation and checkpoint cadence and `--max-steps`
 * may change.
 */
export async function settingsForResume(saved: RunSettings, flags: TrainFlags, runDir: string): Promise<RunSettings> {
  const given = RUN_DEFINING_FLAGS.filter((k) => flags[k] !== undefined);
  if (given.length > 0) {
    // The same flags as a new run would read them (files included), minus --resume and --out.
    const fresh = await settingsFromFlags({ ...flags, detector: saved.detector, resume: undefined, out: undefined });
    const first = given.find((k) => !agrees(k, saved, fresh, flags, runDir));
    if (first !== undefined) {
      throw new UserError(
        `--resume ${runDir}: ${flagName(first)} disagrees with the run (it has ${storedValue(first, saved, runDir)}); ` +
          `drop ${flagName(first)} or start a new run with another --out`,
      );
    }
  }
  return {
    ...saved,
    backend: flags.backend ?? saved.backend,
    threads: flags.threads ?? saved.threads,
    evalEvery: flags.evalEvery ?? saved.evalEvery,
    logEvery: flags.logEvery ?? saved.logEvery,
    maxSteps: flags.maxSteps ?? saved.maxSteps,
    saveEveryMinutes: flags.saveEveryMinutes ?? saved.saveEveryMinutes,
  };
}
