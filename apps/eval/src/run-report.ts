/**
 * The report of an evaluated checkpoint, regenerated into `<run>/eval-<checkpoint>/report/`
 * next to that evaluation's detections.json and eval.json (the training run's own report in
 * `<run>/report/` is left as it was). A report problem is one warning line, never a failed eval.
 */
import path from 'node:path';
import type { DatasetFiles, LoadedRun } from '@apdet/train';
import { writeRunReportFromFiles } from '@apdet/report';

export async function writeEvalReportSafely(args: {
  runDir: string;
  outDir: string;
  loaded: LoadedRun;
  files: DatasetFiles;
  imageIds: number[];
  log: (line: string) => void;
}): Promise<void> {
  const reportDir = path.join(args.outDir, 'report');
  const settings = args.loaded.manifest.settings;
  // The checkpoint's training state (iter, trainSeconds), when it carries one.
  const state = (args.loaded.extra ?? {}) as { iter?: unknown; trainSeconds?: unknown };
  try {
    const report = await writeRunReportFromFiles({
      outDir: reportDir,
      facts: {
        run: path.basename(args.runDir),
        config: settings.config.name,
        loss: settings.loss,
        iterations: typeof state.iter === 'number' ? state.iter : Number.NaN,
        trainMinutes: typeof state.trainSeconds === 'number' ? state.trainSeconds / 60 : Number.NaN,
        backend: args.loaded.manifest.backend.name,
        checkpoint: path.basename(args.loaded.checkpoint),
        valImages: args.imageIds.length,
      },
      metricsFile: path.join(args.runDir, 'metrics.jsonl'),
      groundTruthFile: args.files.valAnnotations,
      detectionsFile: path.join(args.outDir, 'detections.json'),
      imageDir: args.files.valImages,
      imageIds: args.imageIds,
    });
    args.log(
      `report: ${path.join(reportDir, 'summary.md')} (${report.files.length} files, ${report.seconds.toFixed(1)} s)${report.notes.length ? `; not drawn: ${report.notes.join('; ')}` : ''}`,
    );
  } catch (error) {
    args.log(
      `warning: the report in ${reportDir} could not be written (${(error as Error).message}); detections.json and eval.json are complete`,
    );
  }
}
