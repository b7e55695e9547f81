/**
 * One training run end to end: a {@link TrainingJob} (settings, run folder, resumed or not) →
 * backend → data (the model's classes from the training set) → detector and optimiser (fresh
 * or from `latest`) → the training loop → final evaluation and reports in the run folder. The
 * model and optimiser are disposed before it returns.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { initBackend } from '@apdet/backend';
import { atomicWriteJson, UserError } from '@apdet/io';
import type { Optimizer } from '@apdet/nn';
import type { Detector, DetectorSpec } from '@apdet/detector';
import { checkLatest, initialState, loadState, type TrainState } from './checkpoints.js';
import { classesOf, datasetFiles, openRunData, openTrainSet, type DatasetFiles } from './data.js';
import { detectorSpec } from './detectors.js';
import type { TrainFlags } from './flags.js';
import type { TrainingHooks } from './hooks.js';
import {
  describeBackend,
  gitInfo,
  lossDescription,
  MANIFEST,
  packageVersions,
  readManifest,
  type Manifest,
} from './manifest.js';
import { MetricsLog } from './metrics.js';
import { createOptimizer, createSchedule } from './optimizer.js';
import { createProgress } from './progress.js';
import { loadInitWeights } from './init-weights.js';
import { loadPretrainedBackbone } from './pretrained.js';
import { writeReportSafely } from './report.js';
import { settingsForResume } from './resume.js';
import { DEFAULT_IO, type RunIo } from './run-io.js';
import { lossOf, settingsFromFlags, type RunSettings } from './settings.js';
import { trainLoop } from './train-loop.js';

/** A run to start or continue. */
export interface TrainingJob {
  settings: RunSettings;
  runDir: string;
  /** The manifest of the run being continued, or null for a new run. */
  resumeFrom: Manifest | null;
}

export interface TrainingOptions {
  io?: RunIo;
  hooks?: TrainingHooks;
  /** Write `<run>/report/` after the final evaluation (default true). */
  report?: boolean;
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
  return path.join('runs', `${settings.detector}-${settings.loss.replace(/[^A-Za-z0-9+.-]/g, '_')}-${stamp}`);
}

/** The job a command line asks for: a new run, or `--resume` with the original flags checked. */
export async function trainingJobFromFlags(flags: TrainFlags): Promise<TrainingJob> {
  if (flags.resume === undefined) {
    const settings = await settingsFromFlags(flags);
    const runDir = flags.out ?? defaultRunDir(settings);
    return { settings, runDir, resumeFrom: null };
  }
  const resumeFrom = await readManifest(flags.resume);
  if (flags.detector !== resumeFrom.settings.detector) {
    throw new UserError(`--resume ${flags.resume}: a ${resumeFrom.settings.detector} run, not ${flags.detector}`);
  }
  const settings = await settingsForResume(resumeFrom.settings, flags, flags.resume);
  return { settings, runDir: flags.resume, resumeFrom };
}

/** The run's config sized for the training set's classes (their count and names come from its categories). */
function withClasses(
  spec: DetectorSpec,
  settings: RunSettings,
  train: Awaited<ReturnType<typeof openTrainSet>>,
  files: DatasetFiles,
  log: (line: string) => void,
): RunSettings {
  const classes = classesOf(train);
  if (classes.length === settings.config.numClasses) return { ...settings, classes };
  log(
    `${classes.length} classes from ${files.trainAnnotations} (the config had ${settings.config.numClasses}): ${classes.map((c) => c.name).join(', ')}`,
  );
  const config = spec.resolveConfig(settings.config, { numClasses: classes.length }, files.trainAnnotations);
  return { ...settings, config, classes };
}

export async function runTraining(job: TrainingJob, options: TrainingOptions = {}): Promise<RunOutput> {
  const io = options.io ?? DEFAULT_IO;
  const { runDir, resumeFrom } = job;
  if (!resumeFrom && existsSync(path.join(runDir, MANIFEST))) {
    throw new UserError(
      `--out ${runDir} already holds a run; continue it with --resume ${runDir} or choose another --out`,
    );
  }
  const spec = detectorSpec(job.settings.detector);
  const loss = lossOf(job.settings);
  const files = await datasetFiles(job.settings, io.log);
  const trainSet = await openTrainSet(files);
  let settings = job.settings;
  if (resumeFrom === null) settings = withClasses(spec, settings, trainSet, files, io.log);
  else if (!isDeepStrictEqual(classesOf(trainSet), settings.classes)) {
    throw new UserError(
      `--resume ${runDir}: the categories of ${files.trainAnnotations} differ from the run's classes (${settings.classes?.map((c) => c.name).join(', ')})`,
    );
  }
  const data = await openRunData(settings, files, trainSet);
  if (resumeFrom) await checkLatest(runDir);
  const backend = await initBackend({
    ...(settings.backend ? { backend: settings.backend } : {}),
    ...(settings.threads ? { threads: settings.threads } : {}),
    log: io.log,
  });

  const c = settings.config;
  let model: Detector | null = null;
  let optimizer: Optimizer | null = null;
  try {
    model = spec.build(c, { loss, seed: settings.seed });
    if (!resumeFrom) {
      await loadPretrainedBackbone(model, io.log);
      if (settings.init) await loadInitWeights(model, settings.init, io.log);
    }
    optimizer = createOptimizer(model, c.train);
    const state = resumeFrom ? await loadState(runDir, model, optimizer) : initialState(settings.seed, spec.name);
    if (state.seed !== settings.seed)
      throw new UserError(`${runDir}: checkpoint seed ${state.seed} differs from the manifest's ${settings.seed}`);
    if (state.detector !== spec.name)
      throw new UserError(`${runDir}: the checkpoint holds a ${state.detector}, the manifest a ${spec.name}`);

    const stepsPerEpoch = data.trainLoader.stepsPerEpoch;
    const totalIters = c.train.epochs * stepsPerEpoch;
    const stopIter = Math.min(totalIters, settings.maxSteps ?? Infinity);
    const schedule = createSchedule(c.train, stepsPerEpoch);

    await mkdir(runDir, { recursive: true });
    const manifest: Manifest = resumeFrom
      ? {
          ...resumeFrom,
          settings,
          resumes: [
            ...resumeFrom.resumes,
            { at: new Date().toISOString(), fromIter: state.iter, backend: backend.name },
          ],
        }
      : {
          format: 'apdet-train-manifest/2',
          createdAt: new Date().toISOString(),
          command: process.argv.slice(2),
          git: gitInfo(),
          versions: packageVersions(),
          backend: describeBackend(backend),
          settings,
          effective: {
            batchSize: c.train.batchSize,
            lr: c.train.lr,
            lrRule: settings.lrRule,
            stepsPerEpoch,
            totalIters,
            stopIter,
            trainImages: data.trainLoader.dataset.length,
            valImages: data.valSubset.length,
          },
          loss: lossDescription(loss, model),
          parameters: { total: model.countParameters(), trainable: model.countParameters({ trainableOnly: true }) },
          resumes: [],
        };
    manifest.effective.stopIter = stopIter;
    await atomicWriteJson(path.join(runDir, MANIFEST), manifest);
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
