/**
 * MaxIoU assigner on typed arrays, mmdet v2 `MaxIoUAssigner` semantics:
 *
 * 1. Candidates with `validFlags[i] = 0` (padding) are left out: ignored (−1), never matched.
 * 2. Crowd regions: a valid candidate whose IoF (intersection / candidate area) with any crowd
 *    box is STRICTLY greater than `ignoreIofThr` is ignored (−1). Enabled when
 *    `ignoreIofThr > 0` (mmdet default −1 = disabled). Crowd boxes are never GTs.
 * 3. IoU uses mmdet `bbox_overlaps`: union clamped to ≥ 1e-6.
 * 4. negatives: maxIoU ∈ [0, negIouThr) (or [lo, hi) for a pair) → 0;
 *    positives: maxIoU ≥ posIouThr → argmax GT (first GT on ties).
 * 5. low-quality matches (if `matchLowQuality`): for each GT in index order whose best IoU is
 *    ≥ minPosIou, the candidates reaching that best IoU (all of them with `gtMaxAssignAll`,
 *    else the first) are assigned to it, overwriting earlier decisions.
 *
 * Quirk kept from mmdet: with `minPosIou = 0`, a GT that overlaps no candidate (best IoU 0)
 * claims every candidate with IoU 0 to it. Deviation: with zero GTs mmdet returns all 0
 * (background) and skips step 2; we still apply steps 1–2 so padding and crowd stay ignored.
 *
 * No [G, N] matrix is stored: one pass over (GT, candidate) pairs keeps the per-candidate and
 * per-GT maxima and the list of candidates tying each GT's maximum (for gtMaxAssignAll).
 */
import { boxCount } from '../boxes/types.js';
import type { AssignResult } from './assign-result.js';

export interface MaxIouAssignerOptions {
  posIouThr: number;
  /** Upper bound (exclusive) of the negative band, or `[lo, hi)`. */
  negIouThr: number | readonly [number, number];
  /** Default 0. */
  minPosIou?: number;
  /** Default true. */
  matchLowQuality?: boolean;
  /** Default true. */
  gtMaxAssignAll?: boolean;
  /** IoF threshold for crowd regions; ≤ 0 disables (default −1, mmdet). */
  ignoreIofThr?: number;
}

export interface AssignInputs {
  /** Flat xyxy candidates (anchors or proposals). */
  candidates: ArrayLike<number>;
  /** Flat xyxy GT boxes (non-crowd). */
  gts: ArrayLike<number>;
  /** Class per GT, copied to positives' `labels`. */
  gtLabels?: ArrayLike<number>;
  /** Flat xyxy crowd regions (`iscrowd = 1`). */
  crowdBoxes?: ArrayLike<number>;
  /** 1 = valid candidate, 0 = padding (left out). */
  validFlags?: ArrayLike<number>;
}

const UNION_EPS = 1e-6;

/** 1 where the candidate takes part in matching: valid and not covered by a crowd region. */
function activeMask(inputs: AssignInputs, n: number, candArea: Float64Array, iofThr: number): Uint8Array {
  const active = new Uint8Array(n).fill(1);
  const flags = inputs.validFlags;
  if (flags) {
    if (flags.length !== n) throw new RangeError(`assignMaxIou: ${flags.length} valid flags for ${n} candidates`);
    for (let i = 0; i < n; i++) if (!flags[i]) active[i] = 0;
  }
  const crowd = inputs.crowdBoxes;
  if (!crowd || crowd.length === 0 || !(iofThr > 0)) return active;
  const nc = boxCount(crowd, 'assignMaxIou(crowdBoxes)');
  const c = inputs.candidates;
  for (let i = 0; i < n; i++) {
    if (!active[i]) continue;
    const o = 4 * i;
    for (let k = 0; k < nc; k++) {
      const q = 4 * k;
      const iw = Math.min(c[o + 2], crowd[q + 2]) - Math.max(c[o], crowd[q]);
      const ih = Math.min(c[o + 3], crowd[q + 3]) - Math.max(c[o + 1], crowd[q + 1]);
      if (iw > 0 && ih > 0 && (iw * ih) / Math.max(candArea[i], UNION_EPS) > iofThr) {
        active[i] = 0;
        break;
      }
    }
  }
  return active;
}

/** Candidate coordinates as separate float64 columns, so the hot loop is monomorphic and sequential. */
interface Columns {
  x1: Float64Array;
  y1: Float64Array;
  x2: Float64Array;
  y2: Float64Array;
  area: Float64Array;
}

function toColumns(b: ArrayLike<number>, n: number): Columns {
  const c: Columns = {
    x1: new Float64Array(n),
    y1: new Float64Array(n),
    x2: new Float64Array(n),
    y2: new Float64Array(n),
    area: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const o = 4 * i;
    c.x1[i] = b[o];
    c.y1[i] = b[o + 1];
    c.x2[i] = b[o + 2];
    c.y2[i] = b[o + 3];
    c.area[i] = (b[o + 2] - b[o]) * (b[o + 3] - b[o + 1]);
  }
  return c;
}

/** IoU of candidate i with the GT (gx1, gy1, gx2, gy2, ga); mmdet eps on the union. */
function iouWith(c: Columns, i: number, gx1: number, gy1: number, gx2: number, gy2: number, ga: number): number {
  const iw = Math.min(c.x2[i], gx2) - Math.max(c.x1[i], gx1);
  if (iw <= 0) return 0;
  const ih = Math.min(c.y2[i], gy2) - Math.max(c.y1[i], gy1);
  if (ih <= 0) return 0;
  const inter = iw * ih;
  return inter / Math.max(c.area[i] + ga - inter, UNION_EPS);
}

/** Per-candidate and per-GT maxima, plus every candidate reaching each GT's (positive) maximum. */
interface Maxima {
  maxOverlaps: Float64Array;
  argmax: Int32Array;
  gtMax: Float64Array;
  /** Candidates whose IoU equals gtMax[k] (only collected when gtMax[k] > 0). */
  gtBest: number[][];
}

function computeMaxima(c: Columns, n: number, gts: ArrayLike<number>, ng: number, active: Uint8Array): Maxima {
  const maxOverlaps = new Float64Array(n);
  const argmax = new Int32Array(n);
  const gtMax = new Float64Array(ng).fill(-1);
  const gtBest: number[][] = [];
  for (let i = 0; i < n; i++) maxOverlaps[i] = active[i] ? (ng > 0 ? -Infinity : 0) : -1;
  for (let k = 0; k < ng; k++) {
    const gx1 = gts[4 * k],
      gy1 = gts[4 * k + 1],
      gx2 = gts[4 * k + 2],
      gy2 = gts[4 * k + 3];
    const ga = (gx2 - gx1) * (gy2 - gy1);
    let best = -1;
    let ties: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!active[i]) continue;
      const v = iouWith(c, i, gx1, gy1, gx2, gy2, ga);
      if (v > maxOverlaps[i]) {
        maxOverlaps[i] = v;
        argmax[i] = k;
      }
      if (v > best) {
        best = v;
        ties = v > 0 ? [i] : [];
      } else if (v === best && v > 0) ties.push(i);
    }
    gtMax[k] = best;
    gtBest.push(ties);
  }
  return { maxOverlaps, argmax, gtMax, gtBest };
}

/** Assigns GTs to candidates; see the module comment for the exact rules. */
export function assignMaxIou(inputs: AssignInputs, options: MaxIouAssignerOptions): AssignResult {
  const { candidates, gts } = inputs;
  const n = boxCount(candidates, 'assignMaxIou(candidates)');
  const ng = boxCount(gts, 'assignMaxIou(gts)');
  if (inputs.gtLabels && inputs.gtLabels.length !== ng)
    throw new RangeError(`assignMaxIou: ${inputs.gtLabels.length} labels for ${ng} GTs`);
  const [negLo, negHi] = typeof options.negIouThr === 'number' ? [0, options.negIouThr] : options.negIouThr;
  const minPosIou = options.minPosIou ?? 0;
  const cols = toColumns(candidates, n);
  const active = activeMask(inputs, n, cols.area, options.ignoreIofThr ?? -1);
  const { maxOverlaps, argmax, gtMax, gtBest } = computeMaxima(cols, n, gts, ng, active);

  const gtIndex = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (!active[i]) continue;
    const m = maxOverlaps[i];
    if (m >= negLo && m < negHi) gtIndex[i] = 0;
    if (ng > 0 && m >= options.posIouThr) gtIndex[i] = argmax[i] + 1;
  }
  if (options.matchLowQuality ?? true) {
    const all = options.gtMaxAssignAll ?? true;
    for (let k = 0; k < ng; k++) {
      if (!(gtMax[k] >= minPosIou) || gtMax[k] < 0) continue; // < 0: no active candidate at all
      for (const i of bestCandidates(k)) {
        gtIndex[i] = k + 1;
        if (!all) break;
      }
    }
  }
  return { numGts: ng, gtIndex, maxOverlaps, labels: labelsOf(gtIndex, inputs.gtLabels) };

  /** Candidates reaching GT k's best IoU, ascending. Best IoU 0 (mmdet quirk): every active one with IoU 0. */
  function bestCandidates(k: number): number[] {
    if (gtMax[k] > 0) return gtBest[k];
    const out: number[] = [];
    const q = 4 * k;
    const ga = (gts[q + 2] - gts[q]) * (gts[q + 3] - gts[q + 1]);
    for (let i = 0; i < n; i++)
      if (active[i] && iouWith(cols, i, gts[q], gts[q + 1], gts[q + 2], gts[q + 3], ga) === 0) out.push(i);
    return out;
  }
}

function labelsOf(gtIndex: Int32Array, gtLabels: ArrayLike<number> | undefined): Int32Array | null {
  if (!gtLabels) return null;
  const labels = new Int32Array(gtIndex.length).fill(-1);
  for (let i = 0; i < gtIndex.length; i++) if (gtIndex[i] > 0) labels[i] = gtLabels[gtIndex[i] - 1];
  return labels;
}
