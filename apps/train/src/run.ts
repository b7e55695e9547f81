/**
 * One training run end to end: settings → backend → data → model/optimiser (fresh or from
 * `latest`) → the training loop → final evaluation and reports in the run folder.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { initBackend } from '@apdet/backend';
import { atomicWriteJson, UserError } from '@apdet/io';
import { RetinaNet } from '@apdet/retinanet';
import { checkLatest, initialState, loadState, type TrainState } from './checkpoints.js';
import { datasetFiles, openRunData } from './data.js';
import type { TrainFlags } from './flags.js';
import { describeBackend, gitInfo, lossDescription, MANIFEST, packageVersions, readManifest, type Manifest } from './manifest.js';
import { MetricsLog } from './metrics.js';
import { createOptimizer, createSchedule } from './optimizer.js';
import { createProgress } from './progress.js';
import { loadInitWeights } from './init-weights.js';
import { loadPretrainedBackbone } from './pretrained.js';
import { writeReportSafely } from './report.js';
import { lossOf, settingsForResume, settingsFromFlags, type RunSettings } from './settings.js';
import { trainLoop, type LoopContext } from './train-loop.js';

export interface RunOutput {
  runDir: string;
  state: TrainState;
  stats: readonly number[] | null;
}

/** Where logs and the progress bar go (the CLI passes stderr; tests pass collectors). */
export interface RunIo {
  log: (line: string) => void;
  progressStream: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  /** The 12-line COCO summary and final table. */
  out: (text: string) => void;
}

export const DEFAULT_IO: RunIo = {
  log: (line) => process.stderr.write(`${line}\n`),
  progressStream: process.stderr,
  out: (text) => process.stdout.write(text),
};

function defaultRunDir(settings: RunSettings): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
  return path.join('runs', `${settings.detector}-${settings.loss.replace(/[^A-Za-z0-9+.-]/g, '_')}-${stamp}`);
}

export async function runTraining(flags: TrainFlags, io: RunIo = DEFAULT_IO): Promise<RunOutput> {
  const resumeFrom = flags.resume === undefined ? null : await readManifest(flags.resume);
  const settings = resumeFrom ? settingsForResume(resumeFrom.settings, flags) : await settingsFromFlags(flags);
  const runDir = flags.resume ?? flags.out ?? defaultRunDir(settings);
  if (!resumeFrom && existsSync(path.join(runDir, MANIFEST))) throw new UserError(`--out ${runDir} already holds a run; continue it with --resume ${runDir} or choose another --out`);

  const loss = lossOf(settings);
  const files = await datasetFiles(settings, io.log);
  const data = await openRunData(settings, files);
  if (resumeFrom) await checkLatest(runDir);
  const backend = await initBackend({ ...(settings.backend ? { backend: settings.backend } : {}), ...(settings.threads ? { threads: settings.threads } : {}), log: io.log });

  const c = settings.config;
  const model = new RetinaNet(c, { loss, seed: settings.seed });
  if (!resumeFrom) {
    await loadPretrainedBackbone(model, io.log);
    if (settings.init) await loadInitWeights(model, settings.init, io.log);
  }
  const optimizer = createOptimizer(model, c.train);
  const state = resumeFrom ? await loadState(runDir, model, optimizer) : initialState(settings.seed);
  if (state.seed !== settings.seed) throw new UserError(`${runDir}: checkpoint seed ${state.seed} differs from the manifest's ${settings.seed}`);

  const stepsPerEpoch = data.trainLoader.stepsPerEpoch;
  const totalIters = c.train.epochs * stepsPerEpoch;
  const stopIter = Math.min(totalIters, settings.maxSteps ?? Infinity);
  const schedule = createSchedule(c.train, stepsPerEpoch);

  await mkdir(runDir, { recursive: true });
  const manifest: Manifest = resumeFrom
    ? { ...resumeFrom, settings, resumes: [...resumeFrom.resumes, { at: new Date().toISOString(), fromIter: state.iter, backend: backend.name }] }
    : {
        format: 'apdet-train-manifest/1',
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
        loss: lossDescription(loss),
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
  const ctx: LoopContext = { settings, runDir, model, optimizer, loss, data, files, schedule, stepsPerEpoch, totalIters, stopIter, metrics, progress: createProgress(io.progressStream), io };
  let output: RunOutput;
  try {
    output = await trainLoop(ctx, state);
  } finally {
    await data.trainLoader.close();
  }
  await writeReportSafely({ runDir, settings, files, data, state: output.state, backend: backend.name, log: io.log });
  return output;
}
