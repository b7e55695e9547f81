import type { Accumulated } from './accumulate.js';
import { meanOfDefined } from './numpy-compat.js';
import type { EvalParams } from './params.js';
import type { SummaryEntry } from './summarize.js';
import type { CocoWarning } from './warnings.js';

/** A row-major float64 array with its shape. */
export interface NdArray {
  readonly data: Float64Array;
  readonly shape: readonly number[];
}

/** AP of one category at the first area range and the largest maxDet (pycocotools' "all"/100). */
export interface CategoryAp {
  /** The category id; -1 for the single pseudo-category of `useCats: false`. */
  readonly categoryId: number;
  readonly name: string;
  /** Mean precision over IoU and recall thresholds; -1 if the category has no non-ignored GT. */
  readonly ap: number;
  /** Same at IoU 0.5 only (-1 also when 0.5 is not one of the IoU thresholds). */
  readonly ap50: number;
}

/** Everything `evaluate → accumulate → summarize` produces. */
export interface CocoEvalResult {
  readonly params: EvalParams;
  /** Category ids in precision/recall order K (sorted; `[-1]` with `useCats: false`). */
  readonly categoryIds: readonly number[];
  readonly categoryNames: readonly string[];
  readonly imageIds: readonly number[];
  /** pycocotools' `E.stats` (12 values with the default parameters). */
  readonly stats: readonly number[];
  readonly summary: readonly SummaryEntry[];
  /** `precision[T, R, K, A, M]`, -1 where undefined. */
  readonly precision: NdArray;
  /** `recall[T, K, A, M]`, -1 where undefined. */
  readonly recall: NdArray;
  /** `scores[T, R, K, A, M]`: detection score where each recall threshold is reached. */
  readonly scores: NdArray;
  readonly perCategory: readonly CategoryAp[];
  /** Records pycocotools drops silently (unknown categories, …), counted. */
  readonly warnings: readonly CocoWarning[];
  readonly counts: {
    readonly images: number;
    readonly categories: number;
    readonly groundTruths: number;
    readonly detections: number;
  };
}

/** Reads one value of a row-major {@link NdArray}; throws on an out-of-range index. */
export function at(array: NdArray, ...index: number[]): number {
  if (index.length !== array.shape.length)
    throw new RangeError(`expected ${array.shape.length} indices, got ${index.length}`);
  let flat = 0;
  index.forEach((i, d) => {
    const size = array.shape[d];
    if (!Number.isInteger(i) || i < 0 || i >= size)
      throw new RangeError(`index ${i} out of range [0, ${size}) in dimension ${d}`);
    flat = flat * size + i;
  });
  return array.data[flat];
}

export function buildPerCategory(
  acc: Accumulated,
  params: EvalParams,
  categoryIds: readonly number[],
  names: readonly string[],
): CategoryAp[] {
  const T = params.iouThrs.length;
  const R = params.recThrs.length;
  const K = categoryIds.length;
  const A = params.areaRanges.length;
  const M = params.maxDets.length;
  const t50 = params.iouThrs.indexOf(0.5);
  const buffer = new Float64Array(T * R);
  const slice = (k: number, ts: number[]): number => {
    let n = 0;
    for (const t of ts) for (let r = 0; r < R; r++) buffer[n++] = acc.precision[((t * R + r) * K + k) * A * M + M - 1]!;
    return meanOfDefined(buffer, n);
  };
  const allT = [...Array(T).keys()];
  return categoryIds.map((categoryId, k) => ({
    categoryId,
    name: names[k],
    ap: slice(k, allT),
    ap50: t50 < 0 ? -1 : slice(k, [t50]),
  }));
}

/** Options of {@link prCurve}; each defaults to pycocotools' headline setting. */
export interface PrCurveQuery {
  /** Category id (default: the first; use -1 with `useCats: false`). */
  readonly categoryId?: number;
  /** An IoU threshold present in `params.iouThrs` (default 0.5). */
  readonly iouThr?: number;
  /** Area range label (default: the first, "all"). */
  readonly area?: string;
  /** A maxDet present in `params.maxDets` (default: the largest). */
  readonly maxDet?: number;
}

/** The interpolated PR curve pycocotools samples AP from: precision (and score) per recall threshold. */
export interface PrCurve {
  readonly recall: readonly number[];
  /** -1 everywhere when the category has no non-ignored GT in that area range. */
  readonly precision: number[];
  readonly scores: number[];
}

/** PR-curve data for plotting, read out of the precision/scores arrays. */
export function prCurve(result: CocoEvalResult, query: PrCurveQuery = {}): PrCurve {
  const { params } = result;
  const k = result.categoryIds.indexOf(query.categoryId ?? result.categoryIds[0]);
  const t = params.iouThrs.indexOf(query.iouThr ?? 0.5);
  const a = params.areaRanges.findIndex((r) => r.label === (query.area ?? params.areaRanges[0].label));
  const m = params.maxDets.indexOf(query.maxDet ?? params.maxDets[params.maxDets.length - 1]);
  if (k < 0 || t < 0 || a < 0 || m < 0) throw new RangeError(`prCurve: no such setting ${JSON.stringify(query)}`);
  return {
    recall: params.recThrs,
    precision: params.recThrs.map((_, r) => at(result.precision, t, r, k, a, m)),
    scores: params.recThrs.map((_, r) => at(result.scores, t, r, k, a, m)),
  };
}
