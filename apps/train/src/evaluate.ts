/**
 * Validation: detections on the val images (test pipeline, no shuffling), COCO results
 * records, and pycocotools-equivalent evaluation with @apdet/coco-eval.
 */
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { evaluateCoco, type CocoEvalResult } from '@apdet/coco-eval';
import { DataLoader, type DetectionDataset, type Pipeline } from '@apdet/data';
import { toCocoResults, type ClassInfo, type CocoDetection, type Detector } from '@apdet/detector';
import { EvaluationStoppedError } from './errors.js';

export interface ValResult {
  detections: CocoDetection[];
  result: CocoEvalResult;
  seconds: number;
  /** Problems with the detections themselves (e.g. saturated scores), one line each. */
  warnings: string[];
}

/**
 * Ranking losses (the PAP family) fix only the order of logits, not their scale: a run whose
 * classifier logits grew to hundreds gets sigmoid scores of exactly 0 or 1 in float32, and
 * COCO AP, which sorts by score, then ranks ties arbitrarily. Returns a warning when most
 * detections share the maximal score, so a collapsed AP is not mistaken for a bad detector.
 */
export function scoreSaturationWarning(detections: readonly CocoDetection[]): string | null {
  if (detections.length < 20) return null;
  const saturated = detections.filter((d) => d.score >= 1 - 1e-7).length;
  if (saturated < detections.length / 2) return null;
  return `warning: ${saturated} of ${detections.length} detections have score 1.0 (sigmoid saturated: the classifier's logits have grown huge), so their ranking, and hence AP, is arbitrary`;
}

/**
 * Detects on every image of `dataset` and evaluates against the val annotations (restricted
 * to the evaluated images when only the first n are used). Detections are labelled with the
 * model's own classes (`classes[label].id`), whatever the val file's category list is (see
 * val-categories.ts for which val sets that maps). An aborted `signal` stops it between batches
 * with an {@link EvaluationStoppedError}.
 */
export async function evaluateOnVal(
  model: Detector,
  dataset: DetectionDataset,
  pipeline: Pipeline,
  annotationFile: string,
  classes: readonly ClassInfo[],
  batchSize: number,
  options: { signal?: AbortSignal } = {},
): Promise<ValResult> {
  const categoryIds = classes.map((c) => c.id);
  const start = performance.now();
  const loader = new DataLoader(dataset, pipeline, { batchSize, seed: 0, shuffle: false, prefetch: 2 });
  const detections: CocoDetection[] = [];
  const imageIds = new Set<number>();
  for await (const batch of loader.epoch(0)) {
    if (options.signal?.aborted) throw new EvaluationStoppedError();
    const images = tf.tensor4d(batch.images, batch.shape);
    try {
      detections.push(...toCocoResults(model.detect(images, batch.metas), categoryIds));
    } finally {
      images.dispose();
    }
    for (const m of batch.metas) imageIds.add(m.imageId);
  }
  const gt = restrictToImages(JSON.parse(await readFile(annotationFile, 'utf8')) as GtJson, imageIds);
  const result = evaluateCoco(gt, detections);
  const saturation = scoreSaturationWarning(detections);
  return { detections, result, seconds: (performance.now() - start) / 1000, warnings: saturation ? [saturation] : [] };
}

interface GtJson {
  images: { id: number }[];
  annotations: { image_id: number }[];
  [key: string]: unknown;
}

function restrictToImages(gt: GtJson, ids: Set<number>): GtJson {
  if (gt.images.every((im) => ids.has(im.id))) return gt;
  return {
    ...gt,
    images: gt.images.filter((im) => ids.has(im.id)),
    annotations: gt.annotations.filter((a) => ids.has(a.image_id)),
  };
}

/**
 * The JSON written as eval.json: the same fields as `apdet-eval --out` (`stats`, `perCategory`,
 * …). `warnings` holds the evaluator's and the detections' (`ValResult.warnings`, e.g. saturated
 * scores), so scripts that read only the file see why an AP is meaningless.
 */
export function evalJson(
  result: CocoEvalResult,
  extra: Record<string, unknown>,
  detectionWarnings: readonly string[] = [],
) {
  return {
    ...extra,
    useCats: result.params.useCats ? 1 : 0,
    stats: result.stats,
    summaryLines: result.summary.map((s) => s.line),
    perCategory: result.perCategory.map(({ categoryId, name, ap, ap50 }) => ({ categoryId, name, ap, ap50 })),
    counts: result.counts,
    warnings: [...result.warnings.map((w) => w.message), ...detectionWarnings.map((w) => w.replace(/^warning: /, ''))],
  };
}
