/**
 * Result of assigning GT boxes to candidate boxes (anchors or proposals), mmdet encoding:
 * `gtIndex[i]` = −1 ignored, 0 negative (background), k ≥ 1 positive for GT k−1.
 */
export interface AssignResult {
  numGts: number;
  /** Per candidate: −1 ignore, 0 negative, k ≥ 1 → GT k−1. */
  gtIndex: Int32Array;
  /** Per candidate: max IoU over the (non-crowd) GTs; −1 for ignored/invalid candidates, 0 if no GT. */
  maxOverlaps: Float64Array;
  /** Per candidate: the class of its GT for positives, −1 otherwise (only when labels were given). */
  labels: Int32Array | null;
}

/** Indices with `gtIndex > 0` (positives) and `== 0` (negatives), ascending. */
export function splitPositiveNegative(gtIndex: Int32Array): { positives: Int32Array; negatives: Int32Array } {
  let np = 0;
  let nn = 0;
  for (const g of gtIndex) {
    if (g > 0) np++;
    else if (g === 0) nn++;
  }
  const positives = new Int32Array(np);
  const negatives = new Int32Array(nn);
  np = 0;
  nn = 0;
  for (let i = 0; i < gtIndex.length; i++) {
    if (gtIndex[i] > 0) positives[np++] = i;
    else if (gtIndex[i] === 0) negatives[nn++] = i;
  }
  return { positives, negatives };
}
