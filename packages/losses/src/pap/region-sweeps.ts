import { thresholdHolds, type DiffRegions } from './host-functions.js';

/**
 * Prefix moments of a sorted sequence v with weights w: m0[i] = Σ_{k<i} w_k,
 * m1[i] = Σ w_k v_k, m2[i] = Σ w_k v_k² (each length n + 1). A sum over a contiguous range
 * [lo, hi) is then m[hi] − m[lo]. `weights` null means w ≡ 1 (m0 is then the index itself).
 */
export interface PrefixMoments {
  readonly m0: Float64Array | null;
  readonly m1: Float64Array | null;
  readonly m2: Float64Array | null;
}

export function prefixMoments(values: Float64Array, weights: Float64Array | null, degree: number): PrefixMoments {
  const n = values.length;
  const m0 = weights ? new Float64Array(n + 1) : null;
  const m1 = degree >= 1 ? new Float64Array(n + 1) : null;
  const m2 = degree >= 2 ? new Float64Array(n + 1) : null;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    const wv = w * values[i];
    s0 += w;
    s1 += wv;
    s2 += wv * values[i];
    if (m0) m0[i + 1] = s0;
    if (m1) m1[i + 1] = s1;
    if (m2) m2[i + 1] = s2;
  }
  return { m0, m1, m2 };
}

/** Bytes held by a {@link PrefixMoments}. */
export function momentBytes(m: PrefixMoments): number {
  return (m.m0?.byteLength ?? 0) + (m.m1?.byteLength ?? 0) + (m.m2?.byteLength ?? 0);
}

/**
 * Adds Σ w·H and Σ w·dH/dd over the range [lo, hi) of one region to acc[0], acc[1], where on
 * that range t = sign·(v − shift)/2 for the sorted variable v.
 */
function addRegion(
  h: DiffRegions,
  region: number,
  m: PrefixMoments,
  lo: number,
  hi: number,
  shift: number,
  sign: number,
  acc: Float64Array,
): void {
  const s0 = m.m0 ? m.m0[hi] - m.m0[lo] : hi - lo;
  const c0 = h.c0[region];
  const c1 = h.c1[region];
  const c2 = h.c2[region];
  if (c1 === 0 && c2 === 0) {
    acc[0] += c0 * s0;
    return;
  }
  const s1 = m.m1![hi] - m.m1![lo];
  const sumT = (sign * (s1 - shift * s0)) / 2;
  let sumT2 = 0;
  if (c2 !== 0) {
    const s2 = m.m2![hi] - m.m2![lo];
    sumT2 = (s2 - 2 * shift * s1 + shift * shift * s0) / 4;
  }
  acc[0] += c0 * s0 + c1 * sumT + c2 * sumT2;
  if (h.grad[region]) acc[1] += 0.5 * (c1 * s0 + 2 * c2 * sumT);
}

/**
 * For every column j (positives, logit p_j ascending) computes over all rows k (logit r_k
 * descending, prefix moments `rowMoments` of weights w_k):
 *   value[j] = Σ_k w_k H(d_kj),   deriv[j] = Σ_k w_k ∂H/∂d (d_kj),   d_kj = r_k − p_j.
 * The rows in each region of H form a contiguous range; its ends move monotonically as p
 * grows, so one pointer per threshold sweeps the rows once: O(K + P) per threshold.
 */
export function sweepColumns(
  h: DiffRegions,
  rowLogits: Float64Array,
  rowMoments: PrefixMoments,
  colLogits: Float64Array,
  value: Float64Array,
  deriv: Float64Array | null,
): void {
  const numRows = rowLogits.length;
  const numThresholds = h.thresholds.length;
  const pointers = new Int32Array(numThresholds).fill(numRows);
  const acc = new Float64Array(2);
  for (let j = 0; j < colLogits.length; j++) {
    const p = colLogits[j];
    acc[0] = 0;
    acc[1] = 0;
    let lo = 0;
    for (let r = 0; r <= numThresholds; r++) {
      let hi = numRows;
      if (r < numThresholds) {
        let ptr = pointers[r];
        const kind = h.kinds[r];
        const v = h.thresholds[r];
        while (ptr > 0 && !thresholdHolds(kind, v, rowLogits[ptr - 1] - p)) ptr--;
        pointers[r] = ptr;
        hi = ptr;
      }
      // t = (r − (p − 1)) / 2 on the rows
      if (hi > lo) addRegion(h, r, rowMoments, lo, hi, p - 1, 1, acc);
      lo = Math.max(lo, hi);
    }
    value[j] = acc[0];
    if (deriv) deriv[j] = acc[1];
  }
}

/**
 * The transpose of {@link sweepColumns}: for every row k (logit r_k descending) computes over
 * all columns j (logit p_j ascending, prefix moments `colMoments` of weights γ_j):
 *   value[k] = Σ_j γ_j H(d_kj),   deriv[k] = Σ_j γ_j ∂H/∂d (d_kj).
 */
export function sweepRows(
  h: DiffRegions,
  rowLogits: Float64Array,
  colLogits: Float64Array,
  colMoments: PrefixMoments,
  value: Float64Array,
  deriv: Float64Array,
): void {
  const numCols = colLogits.length;
  const numThresholds = h.thresholds.length;
  const pointers = new Int32Array(numThresholds).fill(numCols);
  const acc = new Float64Array(2);
  for (let k = 0; k < rowLogits.length; k++) {
    const r = rowLogits[k];
    acc[0] = 0;
    acc[1] = 0;
    let lo = 0;
    for (let reg = 0; reg <= numThresholds; reg++) {
      let hi = numCols;
      if (reg < numThresholds) {
        let ptr = pointers[reg];
        const kind = h.kinds[reg];
        const v = h.thresholds[reg];
        while (ptr > 0 && !thresholdHolds(kind, v, r - colLogits[ptr - 1])) ptr--;
        pointers[reg] = ptr;
        hi = ptr;
      }
      // t = ((r + 1) − p) / 2 = −(p − (r + 1)) / 2 on the columns
      if (hi > lo) addRegion(h, reg, colMoments, lo, hi, r + 1, -1, acc);
      lo = Math.max(lo, hi);
    }
    value[k] = acc[0];
    deriv[k] = acc[1];
  }
}
