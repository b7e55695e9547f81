/**
 * The report of a run folder from its files: metrics.jsonl, the val ground truth
 * (instances JSON) and detections.json (COCO results). The detections are evaluated again
 * with @apdet/coco-eval for the precision array the PR curves need (about a second for 500
 * images); the stats are the same as the run's eval.json when the same images are evaluated.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { evaluateCoco } from '@apdet/coco-eval';
import { readJsonFile, UserError } from '@apdet/io';
import { parseMetricsJsonl } from './metrics.js';
import { MAX_PREDICTION_IMAGES } from './predictions.js';
import type { ScoreThreshold } from './threshold.js';
import type { DetectionBox, GroundTruthBox, ImageInfo, RunFacts } from './types.js';
import { writeRunReport, type RunReportInput, type RunReportResult } from './write-report.js';

export interface RunReportFiles {
  readonly outDir: string;
  readonly facts: RunFacts;
  /**
   * metrics.jsonl of the run; when absent (or the file does not exist) the training charts are
   * left out with a note.
   */
  readonly metricsFile?: string;
  /** COCO instances JSON of the evaluated split. */
  readonly groundTruthFile: string;
  /** COCO results JSON (detections.json). */
  readonly detectionsFile: string;
  /** Folder the ground truth's `file_name`s are relative to. */
  readonly imageDir: string;
  /** Restrict the evaluation to these images (e.g. the first --val-images); default: all GT images. */
  readonly imageIds?: readonly number[];
  readonly scoreThreshold?: ScoreThreshold;
  readonly render?: RunReportInput['render'];
}

interface InstancesJson {
  images: ImageInfo[];
  annotations: GroundTruthBox[];
  categories: { id: number; name: string }[];
  [key: string]: unknown;
}

function checkInstances(value: unknown, file: string): InstancesJson {
  const v = value as Partial<InstancesJson> | null;
  for (const key of ['images', 'annotations', 'categories'] as const) {
    if (!v || !Array.isArray(v[key])) throw new UserError(`${file}: not a COCO instances file (no "${key}" array)`);
  }
  return v as InstancesJson;
}

/**
 * Reads the run's files, evaluates, and writes the report (see {@link writeRunReport});
 * `timings` adds 'read+evaluate'.
 */
export async function writeRunReportFromFiles(input: RunReportFiles): Promise<RunReportResult> {
  const start = performance.now();
  let gt = checkInstances(await readJsonFile(input.groundTruthFile), input.groundTruthFile);
  let detections = (await readJsonFile(input.detectionsFile)) as DetectionBox[];
  if (!Array.isArray(detections))
    throw new UserError(`${input.detectionsFile}: not a COCO results file (expected an array)`);
  if (input.imageIds !== undefined) {
    const ids = new Set(input.imageIds);
    gt = {
      ...gt,
      images: gt.images.filter((im) => ids.has(im.id)),
      annotations: gt.annotations.filter((a) => ids.has(a.image_id)),
    };
    detections = detections.filter((d) => ids.has(d.image_id));
  }
  const evaluation = evaluateCoco(gt, detections);
  const metricsFile = input.metricsFile;
  const metrics =
    metricsFile !== undefined && existsSync(metricsFile)
      ? parseMetricsJsonl(await readFile(metricsFile, 'utf8'), metricsFile)
      : [];
  const images = [...gt.images].sort((a, b) => a.id - b.id).slice(0, MAX_PREDICTION_IMAGES);
  const shown = new Set(images.map((im) => im.id));
  const prepared = (performance.now() - start) / 1000;
  const report = await writeRunReport({
    outDir: input.outDir,
    facts: input.facts,
    metrics,
    evaluation,
    predictions: {
      imageDir: input.imageDir,
      images,
      annotations: gt.annotations.filter((a) => shown.has(a.image_id)),
      detections: detections.filter((d) => shown.has(d.image_id)),
      categories: [...gt.categories].sort((a, b) => a.id - b.id),
    },
    ...(input.scoreThreshold !== undefined ? { scoreThreshold: input.scoreThreshold } : {}),
    ...(input.render ? { render: input.render } : {}),
  });
  return {
    ...report,
    timings: { 'read+evaluate': prepared, ...report.timings },
    seconds: (performance.now() - start) / 1000,
  };
}
