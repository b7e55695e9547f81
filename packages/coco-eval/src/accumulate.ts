import type { Cells } from './cells.js';
import type { Detections } from './detections.js';
import { FALSE_POSITIVE, TRUE_POSITIVE, type MatchTable } from './match.js';
import type { EvalParams } from './params.js';
import { stableSortDescending } from './stable-sort.js';

/** numpy's `np.spacing(1)`, added to precision denominators by pycocotools. */
const EPS = 2.220446049250313e-16;

/** Flat arrays of pycocotools' `accumulate()`; -1 marks "undefined" (no non-ignored GT). */
export interface Accumulated {
  /** `precision[T, R, K, A, M]`, row-major. */
  readonly precision: Float64Array;
  /** `recall[T, K, A, M]`, row-major. */
  readonly recall: Float64Array;
  /** `scores[T, R, K, A, M]`: the detection score at which each recall threshold is reached. */
  readonly scores: Float64Array;
}

/**
 * pycocotools `accumulate()`. Per category the detections of all images are put in one
 * stable descending-score order (ties: image id order, then rank in the image) once; each
 * maxDet is a filter on the per-image rank, so nothing is re-sorted per (area, maxDet).
 */
export function accumulateMatches(
  dt: Detections,
  cells: Cells,
  table: MatchTable,
  params: EvalParams,
  K: number,
): Accumulated {
  const T = params.iouThrs.length;
  const R = params.recThrs.length;
  const A = params.areaRanges.length;
  const M = params.maxDets.length;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const scores = new Float64Array(T * R * K * A * M).fill(-1);
  const N = table.numDets;
  const positionScore = new Float64Array(N);
  for (let p = 0; p < N; p++) positionScore[p] = dt.scores[cells.dtOrder[p]]!;

  const buffers = new Buffers();
  for (let k = 0; k < K; k++) {
    const s = cells.dtStart[cells.blockStart[k]];
    const n = cells.dtStart[cells.blockStart[k + 1]] - s;
    buffers.ensure(n);
    const { sorted, scratch, kept } = buffers;
    for (let i = 0; i < n; i++) sorted[i] = s + i;
    stableSortDescending(sorted, 0, n, positionScore, scratch);
    for (let m = 0; m < M; m++) {
      const maxDet = params.maxDets[m];
      let nd = 0;
      for (let i = 0; i < n; i++) if (table.rank[sorted[i]] < maxDet) kept[nd++] = sorted[i]!;
      for (let a = 0; a < A; a++) {
        const npig = table.nonIgnoredGt[k * A + a];
        if (npig === 0) continue;
        for (let t = 0; t < T; t++) {
          const cell = (k * A + a) * M + m;
          const tpCount = prAtTruePositives(table.outcome, (a * T + t) * N, kept, nd, buffers);
          recall[t * K * A * M + cell] = nd > 0 ? tpCount / npig : 0;
          sampleAtRecallThresholds(
            params.recThrs,
            npig,
            tpCount,
            nd,
            buffers,
            kept,
            positionScore,
            precision,
            scores,
            t * R * K * A * M + cell,
            K * A * M,
          );
        }
      }
    }
  }
  return { precision, recall, scores };
}

class Buffers {
  sorted = new Int32Array(0);
  scratch = new Int32Array(0);
  kept = new Int32Array(0);
  /** Position (in `kept`) of the c-th true positive, c = 1..tp. */
  tpAt = new Int32Array(1);
  /** Precision at the c-th true positive, then its running max from the right. */
  tpPrecision = new Float64Array(1);

  ensure(n: number): void {
    if (this.sorted.length >= n) return;
    this.sorted = new Int32Array(n);
    this.scratch = new Int32Array(n);
    this.kept = new Int32Array(n);
    this.tpAt = new Int32Array(n + 1);
    this.tpPrecision = new Float64Array(n + 1);
  }
}

/**
 * pycocotools builds `rc = tp/npig` and `pr = tp/(tp+fp+eps)` at every detection, makes `pr`
 * non-increasing from the right and samples it where `rc` first reaches each recall threshold.
 * Those first indices are always true positives (or index 0), and the right-to-left max at a
 * true positive only involves later true positives (precision falls at false positives and
 * stays at ignored ones). So only true positives are recorded: same doubles, same maxima, far
 * fewer writes. Returns the number of true positives.
 */
function prAtTruePositives(outcome: Uint8Array, base: number, kept: Int32Array, nd: number, b: Buffers): number {
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < nd; i++) {
    const o = outcome[base + kept[i]];
    if (o === FALSE_POSITIVE) fp++;
    else if (o === TRUE_POSITIVE) {
      tp++;
      b.tpAt[tp] = i;
      b.tpPrecision[tp] = tp / (fp + tp + EPS);
    }
  }
  for (let c = tp - 1; c >= 1; c--)
    if (b.tpPrecision[c + 1] > b.tpPrecision[c]) b.tpPrecision[c] = b.tpPrecision[c + 1]!;
  return tp;
}

/**
 * `np.searchsorted(rc, recThrs, side='left')` as one merge walk over recall levels c/npig;
 * level 0 is index 0 (whatever it is). Thresholds beyond the last recall get precision 0 and
 * score 0, as in pycocotools.
 */
function sampleAtRecallThresholds(
  recThrs: readonly number[],
  npig: number,
  tp: number,
  nd: number,
  b: Buffers,
  kept: Int32Array,
  positionScore: Float64Array,
  precision: Float64Array,
  scores: Float64Array,
  base: number,
  stride: number,
): void {
  let c = 0;
  for (let r = 0; r < recThrs.length; r++) {
    const thr = recThrs[r];
    // smallest recall level c/npig (computed as pycocotools does) that reaches thr
    while (c <= tp && c / npig < thr) c++;
    const at = base + r * stride;
    if (nd === 0 || c > tp) {
      precision[at] = 0;
      scores[at] = 0;
    } else if (c === 0) {
      // rc[0] >= 0 always: index 0; the envelope there is the max over every true positive
      precision[at] = tp > 0 ? b.tpPrecision[1] : 0;
      scores[at] = positionScore[kept[0]]!;
    } else {
      precision[at] = b.tpPrecision[c]!;
      scores[at] = positionScore[kept[b.tpAt[c]]]!;
    }
  }
}
