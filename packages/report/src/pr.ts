/**
 * PR-curve series read out of pycocotools' accumulated `precision[T, R, K, A, M]` array: for
 * one IoU threshold, area range and maxDet, the interpolated precision at each of the R recall
 * thresholds, per category. -1 means "no data" (no non-ignored GT): such points are left out,
 * so a category without GT draws no line.
 */
import type { ReportEvaluation } from './types.js';

export interface PrPoint {
  readonly category: string;
  readonly recall: number;
  readonly precision: number;
}

export interface PrSelection {
  /** An IoU threshold of `params.iouThrs` (matched to 1e-9: numpy's linspace gives e.g. 0.7500000000000001). */
  readonly iouThr: number;
  /** Area range label (default 'all', the first). */
  readonly area?: string;
  /** A maxDet of `params.maxDets` (default: the largest, 100). */
  readonly maxDet?: number;
}

function indexOf(values: readonly number[], wanted: number, what: string): number {
  const i = values.findIndex((v) => Math.abs(v - wanted) < 1e-9);
  if (i < 0) throw new RangeError(`PR curve: ${what} ${wanted} is not one of [${values.join(', ')}]`);
  return i;
}

/** One row per (category, recall threshold) with defined precision, categories in K order. */
export function prSeries(evaluation: ReportEvaluation, selection: PrSelection): PrPoint[] {
  const { params, precision, categoryNames } = evaluation;
  const [T, R, K, A, M] = precision.shape as [number, number, number, number, number];
  if (
    precision.shape.length !== 5 ||
    T !== params.iouThrs.length ||
    R !== params.recThrs.length ||
    K !== categoryNames.length ||
    A !== params.areaRanges.length ||
    M !== params.maxDets.length
  ) {
    throw new RangeError(
      `PR curve: precision shape [${precision.shape.join(', ')}] does not match the parameters (T=${params.iouThrs.length}, R=${params.recThrs.length}, K=${categoryNames.length}, A=${params.areaRanges.length}, M=${params.maxDets.length})`,
    );
  }
  const t = indexOf(params.iouThrs, selection.iouThr, 'IoU threshold');
  const areaLabel = selection.area ?? params.areaRanges[0].label;
  const a = params.areaRanges.findIndex((r) => r.label === areaLabel);
  if (a < 0) throw new RangeError(`PR curve: no area range '${areaLabel}'`);
  const m = indexOf(params.maxDets, selection.maxDet ?? params.maxDets[M - 1], 'maxDet');
  const points: PrPoint[] = [];
  for (let k = 0; k < K; k++) {
    for (let r = 0; r < R; r++) {
      const p = precision.data[(((t * R + r) * K + k) * A + a) * M + m];
      if (p >= 0) points.push({ category: categoryNames[k], recall: params.recThrs[r], precision: p });
    }
  }
  return points;
}
