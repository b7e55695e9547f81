import { accumulateMatches, type Accumulated } from './accumulate.js';
import { buildCells, type Cells } from './cells.js';
import { loadDetections, type Detections } from './detections.js';
import { loadGroundTruth, type GroundTruth } from './ground-truth.js';
import { matchAll, type MatchTable } from './match.js';
import { resolveParams, type EvalOptions, type EvalParams } from './params.js';
import { buildPerCategory, type CocoEvalResult } from './result.js';
import { summaryEntries } from './summarize.js';

/** State after {@link evaluate} (pycocotools' `evalImgs`, in typed arrays). */
export interface Evaluation {
  readonly gt: GroundTruth;
  readonly dt: Detections;
  readonly params: EvalParams;
  readonly cells: Cells;
  readonly table: MatchTable;
  /** Number of category blocks K (1 with `useCats: false`). */
  readonly K: number;
}

/**
 * pycocotools `COCOeval.evaluate()` for iouType 'bbox': groups GTs and detections per
 * (image, category), sorts and truncates detections, computes IoUs and runs the greedy
 * matching for every area range and IoU threshold.
 */
export function evaluate(gt: GroundTruth, dt: Detections, options: EvalOptions = {}): Evaluation {
  const params = resolveParams(options);
  const maxDet = params.maxDets[params.maxDets.length - 1];
  const cells = buildCells(gt, dt, params.useCats, maxDet);
  const table = matchAll(gt, dt, cells, params);
  return { gt, dt, params, cells, table, K: params.useCats ? gt.categoryIds.length : 1 };
}

/** pycocotools `COCOeval.accumulate()`: precision, recall and scores arrays. */
export function accumulate(evaluation: Evaluation): Accumulated {
  const { dt, cells, table, params, K } = evaluation;
  return accumulateMatches(dt, cells, table, params, K);
}

/** pycocotools `COCOeval.summarize()` plus per-category AP: the full typed result. */
export function summarize(evaluation: Evaluation, acc: Accumulated): CocoEvalResult {
  const { gt, dt, params, K } = evaluation;
  const T = params.iouThrs.length;
  const R = params.recThrs.length;
  const A = params.areaRanges.length;
  const M = params.maxDets.length;
  const categoryIds = params.useCats ? [...gt.categoryIds] : [-1];
  const categoryNames = params.useCats ? gt.categoryNames : ['(all categories)'];
  const summary = summaryEntries(acc, params, K);
  return {
    params,
    categoryIds,
    categoryNames,
    imageIds: [...gt.imageIds],
    stats: summary.map((s) => s.value),
    summary,
    precision: { data: acc.precision, shape: [T, R, K, A, M] },
    recall: { data: acc.recall, shape: [T, K, A, M] },
    scores: { data: acc.scores, shape: [T, R, K, A, M] },
    perCategory: buildPerCategory(acc, params, categoryIds, categoryNames),
    warnings: [...gt.warnings, ...dt.warnings],
    counts: {
      images: gt.imageIds.length,
      categories: gt.categoryIds.length,
      groundTruths: gt.count,
      detections: dt.count,
    },
  };
}

/**
 * One call: validate a parsed COCO instances object and a parsed results list, then evaluate,
 * accumulate and summarize. Throws `CocoInputError` naming the offending record.
 *
 * @example
 * const result = evaluateCoco(instancesJson, detectionsJson);
 * console.log(result.summary.map((s) => s.line).join('\n'));
 */
export function evaluateCoco(gtJson: unknown, dtJson: unknown, options: EvalOptions = {}): CocoEvalResult {
  resolveParams(options);
  const gt = loadGroundTruth(gtJson);
  const dt = loadDetections(dtJson, gt);
  const evaluation = evaluate(gt, dt, options);
  return summarize(evaluation, accumulate(evaluation));
}
