/**
 * The run report (charts, PR curves, predictions, summary.md) written into `<run>/report/`
 * after the final evaluation. A report problem never fails a finished run: the checkpoint and
 * eval.json are already on disk, so it is logged as one warning line.
 */
import path from 'node:path';
import { writeRunReportFromFiles } from '@apdet/report';
import { LATEST, type TrainState } from './checkpoints.js';
import type { DatasetFiles, RunData } from './data.js';
import type { RunSettings } from './settings.js';

export interface ReportContext {
  runDir: string;
  settings: RunSettings;
  files: DatasetFiles;
  data: RunData;
  state: TrainState;
  backend: string;
  log: (line: string) => void;
}

export async function writeReportSafely(ctx: ReportContext): Promise<void> {
  const outDir = path.join(ctx.runDir, 'report');
  try {
    const evaluated = ctx.data.val.index.images.slice(0, ctx.data.valSubset.length).map((im) => im.id);
    const report = await writeRunReportFromFiles({
      outDir,
      facts: {
        run: path.basename(ctx.runDir),
        config: ctx.settings.config.name,
        loss: ctx.settings.loss,
        iterations: ctx.state.iter,
        trainMinutes: ctx.state.trainSeconds / 60,
        backend: ctx.backend,
        checkpoint: LATEST,
        valImages: evaluated.length,
      },
      metricsFile: path.join(ctx.runDir, 'metrics.jsonl'),
      groundTruthFile: ctx.files.valAnnotations,
      detectionsFile: path.join(ctx.runDir, 'detections.json'),
      imageDir: ctx.files.valImages,
      imageIds: evaluated,
    });
    ctx.log(
      `report: ${path.join(outDir, 'summary.md')} (${report.files.length} files, ${report.seconds.toFixed(1)} s)${report.notes.length ? `; not drawn: ${report.notes.join('; ')}` : ''}`,
    );
  } catch (error) {
    ctx.log(
      `warning: the report in ${outDir} could not be written (${(error as Error).message}); the checkpoints and eval.json are complete`,
    );
  }
}
