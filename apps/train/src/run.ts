/**
 * One training run end to end: a {@link TrainingJob} (settings, run folder, resumed or not) →
 * the run folder taken (checked, locked) → data (the model's classes from the training set,
 * the val categories, the batch size and, on resume, the training set's fingerprint checked) →
 * backend → detector and optimiser (fresh, or from `latest` when there is one) → the training
 * loop → final evaluation and reports in the run folder. The model and optimiser are disposed,
 * and the folder's lock removed, before it returns.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { initBackend } from '@apdet/backend';
import { atomicWriteJson, UserError } from '@apdet/io';
import type { Optimizer } from '@apdet/nn';
import type { Detector } from '@apdet/detector';
import { checkLatest, hasLatest, initialState, loadState, type TrainState } from './checkpoints.js';
import { detectorSpec } from './detectors.js';
import type { TrainFlags } from './flags.js';
import type { TrainingHooks } from './hooks.js';
import { MANIFEST, newManifest, readManifest, resumedManifest, type Manifest } from './manifest.js';
import { MetricsLog } from './metrics.js';
import { createOptimizer, createSchedule } from './optimizer.js';
import { writing } from './output-paths.js';
import { createProgress } from './progress.js';
import { loadInitWeights } from './init-weights.js';
import { loadPretrainedBackbone } from './pretrained.js';
import { writeReportSafely } from './report.js';
import { settingsForResume } from './resume.js';
import { openCheckedRunData } from './run-data.js';
import { takeRunFolder } from './run-folder.js';
import { DEFAULT_IO, type RunIo } from './run-io.js';
import { lossOf, settingsFromFlags, type RunSettings } from './settings.js';
import { trainLoop } from './train-loop.js';

/** A run to start or continue. */
export interface TrainingJob {
  settings: RunSettings;
  runDir: string;
  /** The manifest of the run being continued, or null for a new run. */
  resumeFrom: Manifest | null;
  /**
   * `runDir` is a generated default name: when another run took it (two runs started in the
   * same second), `-2`, `-3`, … is appended instead of refusing.
   */
  uniqueRunDir?: boolean;
  /** `--allow-data-change`: a resumed run continues although its training set changed. */
  allowDataChange?: boolean;
}

export interface TrainingOptions {
  io?: RunIo;
  hooks?: TrainingHooks;
  /** Write `<run>/report/` after the final evaluation (default true). */
  report?: boolean;
  /**
   * Aborting it stops the run at the next step boundary: `latest` is saved with the loader
   * position and runTraining throws TrainingInterruptedError (the CLI aborts it on SIGINT/SIGTERM,
   * see stop-signals.ts). Its `reason` names the signal.
   */
  signal?: AbortSignal;
}

export interface RunOutput {
  runDir: string;
  state: TrainState;
  /** The final evaluation's 12 COCO stats; null when a hook stopped the run. */
  stats: readonly number[] | null;
  stopped: boolean;
  /** The settings as stored in the manifest (classes filled in). */
  settings: RunSettings;
}

function defaultRunDir(settings: RunSettings): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .replace('T', '-');
  // In the current directory's runs/ (the workspace root under `pnpm nx`, where `pnpm nx eval` looks).
  return path.resolve('runs', `${settings.detector}-${settings.loss.replace(/[^A-Za-z0-9+.-]/g, '_')}-${stamp}`);
}

/** The job a command line asks for: a new run, or `--resume` with the original flags checked. */
export async function trainingJobFromFlags(flags: TrainFlags): Promise<TrainingJob> {
  if (flags.resume === undefined) {
    const settings = await settingsFromFlags(flags);
    if (flags.out !== undefined) return { settings, runDir: flags.out, resumeFrom: null };
    return { settings, runDir: defaultRunDir(settings), resumeFrom: null, uniqueRunDir: true };
  }
  const resumeFrom = await readManifest(flags.resume);
  if (flags.detector !== resumeFrom.settings.detector) {
    throw new UserError(`--resume ${flags.resume}: a ${resumeFrom.settings.detector} run, not ${flags.detector}`);
  }
  const settings = await settingsForResume(resumeFrom.settings, flags, flags.resume);
  return { settings, runDir: flags.resume, resumeFrom, allowDataChange: flags.allowDataChange === true };
}

export async function runTraining(job: TrainingJob, options: TrainingOptions = {}): Promise<RunOutput> {
  // Absolute: the manifest, eval.json and the messages name the folder wherever it is used from.
  const folder = await takeRunFolder(path.resolve(job.runDir), {
    resume: job.resumeFrom !== null,
    ...(job.uniqueRunDir ? { uniqueName: true } : {}),
  });
  try {
    return await trainInFolder({ ...job, runDir: folder.dir }, options);
  } finally {
    await folder.release();
  }
}

async function trainInFolder(job: TrainingJob, options: TrainingOptions): Promise<RunOutput> {
  const io = options.io ?? DEFAULT_IO;
  const { runDir, resumeFrom } = job;
  const spec = detectorSpec(job.settings.detector);
  const loss = lossOf(job.settings);
  const checked = await openCheckedRunData(spec, job.settings, resumeFrom, {
    runDir,
    allowDataChange: job.allowDataChange === true,
    log: io.log,
  });
  const { settings, files, data, fingerprint } = checked;
  // A run folder whose run stopped before its first checkpoint continues from step 0.
  const fromCheckpoint = resumeFrom !== null && hasLatest(runDir);
  if (fromCheckpoint) await checkLatest(runDir, resumeFrom.runId).catch(closing(data));
  else if (resumeFrom) io.log(`${runDir} has no checkpoint yet: the run starts again from step 0`);
  const backend = await initBackend({
    ...(settings.backend ? { backend: settings.backend } : {}),
    ...(settings.threads ? { threads: settings.threads } : {}),
    log: io.log,
  }).catch(closing(data));

  const c = settings.config;
  let model: Detector | null = null;
  let optimizer: Optimizer | null = null;
  try {
    model = spec.build(c, { loss, seed: settings.seed });
    if (!fromCheckpoint) {
      await loadPretrainedBackbone(model, io.log);
      if (settings.init) await loadInitWeights(model, settings.init, io.log);
    }
    optimizer = createOptimizer(model, c.train);
    const runId = resumeFrom ? resumeFrom.runId : randomUUID();
    const state = fromCheckpoint
      ? await loadState(runDir, model, optimizer, runId)
      : initialState(settings.seed, spec.name, runId);
    if (state.seed !== settings.seed)
      throw new UserError(`${runDir}: checkpoint seed ${state.seed} differs from the manifest's ${settings.seed}`);
    if (state.detector !== spec.name)
      throw new UserError(`${runDir}: the checkpoint holds a ${state.detector}, the manifest a ${spec.name}`);

    const stepsPerEpoch = data.trainLoader.stepsPerEpoch;
    const totalIters = c.train.epochs * stepsPerEpoch;
    const stopIter = Math.min(totalIters, settings.maxSteps ?? Infinity);
    const schedule = createSchedule(c.train, stepsPerEpoch);
    const effective: Manifest['effective'] = {
      batchSize: c.train.batchSize,
      lr: c.train.lr,
      lrRule: settings.lrRule,
      stepsPerEpoch,
      totalIters,
      stopIter,
      trainImages: data.trainLoader.dataset.length,
      valImages: data.valSubset.length,
    };
    const manifest = resumeFrom
      ? resumedManifest(resumeFrom, {
          settings,
          fromIter: state.iter,
          backend: backend.name,
          dataChange: checked.dataChange,
          dataFingerprint: fingerprint,
          effective,
        })
      : newManifest({ runId: runId!, backend, settings, effective, loss, model, dataFingerprint: fingerprint });
    manifest.effective.stopIter = stopIter;
    const manifestFile = path.join(runDir, MANIFEST);
    await writing(manifestFile, () => atomicWriteJson(manifestFile, manifest));
    const metrics = await MetricsLog.open(path.join(runDir, 'metrics.jsonl'), state.iter);

    io.log(
      `${resumeFrom ? `resuming ${runDir} at step ${state.iter}` : `run ${runDir}`}: ${settings.detector} (${c.name}), loss ${settings.loss}, ${manifest.effective.trainImages} train / ${manifest.effective.valImages} val images, ` +
        `batch ${c.train.batchSize}, lr ${c.train.lr}, ${c.train.epochs} epochs × ${stepsPerEpoch} steps${stopIter < totalIters ? `, stopping at step ${stopIter}` : ''}, backend ${backend.name}`,
    );
    const progress = createProgress(io.progressStream);
    const ctx = {
      settings,
      runDir,
      model,
      optimizer,
      data,
      files,
      schedule,
      stepsPerEpoch,
      totalIters,
      stopIter,
      metrics,
      progress,
      hooks: options.hooks ?? {},
      io,
      ...(options.signal ? { signal: options.signal } : {}),
    };
    let out;
    try {
      out = await trainLoop(ctx, state);
    } finally {
      progress.done();
    }
    if (!out.stopped && options.report !== false) {
      await writeReportSafely({ runDir, settings, files, data, state: out.state, backend: backend.name, log: io.log });
    }
    return { runDir, state: out.state, stats: out.stats, stopped: out.stopped, settings };
  } finally {
    optimizer?.dispose();
    model?.dispose();
    await data.trainLoader.close();
  }
}

/** A rejection handler that closes the loader (its workers) before passing the error on. */
function closing(data: { trainLoader: { close(): Promise<void> } }): (error: unknown) => Promise<never> {
  return async (error) => {
    await data.trainLoader.close();
    throw error;
  };
}
