import { UserError } from '@apdet/io';
import { ascendingKey, descendingKey, radixSortByKey } from './radix-sort.js';

/** Which pairs take part, as flat element indices. */
export interface PairSelection {
  /** Rows: the valid pairs (top-K by logit if there are more than K), logit descending. */
  readonly rows: Int32Array;
  /** Columns: every positive pair, logit ascending. */
  readonly cols: Int32Array;
  readonly numValid: number;
  readonly topKApplied: boolean;
  /** True when a valid logit is NaN or ±Infinity (the loss is then NaN). */
  readonly nonFinite: boolean;
  /** Bytes of typed arrays the selection allocated, transient ones included (benchmarks). */
  readonly workBytes: number;
}

/** Throws a {@link UserError} naming the first target that is not −1, 0 or 1. */
export function checkTargets(targets: ArrayLike<number>): void {
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    if (t !== 1 && t !== 0 && t !== -1) {
      throw new UserError(
        `parameterizedApLoss: targets[${i}] = ${t}; expected 1 (positive), 0 (negative) or -1 (ignored)`,
      );
    }
  }
}

/**
 * Selects rows and columns exactly as the official `paploss`: columns are all positives
 * (targets == 1); rows are the valid pairs (targets != −1), restricted to the `topK` largest
 * logits only when there are strictly more than `topK` of them. Ties at the top-K cut are
 * broken arbitrarily, as `torch.topk` does.
 *
 * Top-K in O(V) time and O(K) extra memory: a histogram of the top 16 key bits finds the
 * bucket holding the K-th largest logit, only the pairs at or above that bucket are kept and
 * radix-sorted, and the first K of them are the rows.
 */
export function selectPairs(logits: Float32Array, targets: ArrayLike<number>, topK: number): PairSelection {
  const bits = new Uint32Array(logits.buffer, logits.byteOffset, logits.length);
  let numValid = 0;
  let numPos = 0;
  let nonFinite = false;
  for (let i = 0; i < targets.length; i++) {
    if (targets[i] === -1) continue;
    numValid++;
    if (targets[i] === 1) numPos++;
    if (!Number.isFinite(logits[i])) nonFinite = true;
  }
  const cols = new Int32Array(numPos);
  const colKeys = new Uint32Array(numPos);
  for (let i = 0, j = 0; i < targets.length; i++) {
    if (targets[i] !== 1) continue;
    cols[j] = i;
    colKeys[j++] = nonFinite ? 0 : ascendingKey(bits[i]);
  }
  const topKApplied = numValid > topK;
  if (nonFinite) {
    return { rows: new Int32Array(0), cols, numValid, topKApplied, nonFinite, workBytes: 0 };
  }
  radixSortByKey(colKeys, cols);
  const { rows, workBytes } = topRows(bits, targets, numValid, topK);
  // column keys and indices, twice (radix buffers) + the radix counts
  const colBytes = 16 * numPos + 4 * (1 << 16);
  return { rows, cols, numValid, topKApplied, nonFinite, workBytes: workBytes + colBytes };
}

function topRows(
  bits: Uint32Array,
  targets: ArrayLike<number>,
  numValid: number,
  topK: number,
): { rows: Int32Array; workBytes: number } {
  // Highest 16-bit key bucket (of descending keys) that must be kept whole or in part.
  let lastBucket = 0xffff;
  if (numValid > topK) {
    const histogram = new Uint32Array(1 << 16);
    for (let i = 0; i < targets.length; i++) {
      if (targets[i] !== -1) histogram[descendingKey(bits[i]) >>> 16]++;
    }
    let seen = 0;
    for (lastBucket = 0; lastBucket < histogram.length; lastBucket++) {
      seen += histogram[lastBucket];
      if (seen >= topK) break;
    }
  }
  let numCandidates = 0;
  for (let i = 0; i < targets.length; i++) {
    if (targets[i] !== -1 && descendingKey(bits[i]) >>> 16 <= lastBucket) numCandidates++;
  }
  const candidates = new Int32Array(numCandidates);
  const keys = new Uint32Array(numCandidates);
  for (let i = 0, c = 0; i < targets.length; i++) {
    if (targets[i] === -1) continue;
    const key = descendingKey(bits[i]);
    if (key >>> 16 > lastBucket) continue;
    candidates[c] = i;
    keys[c++] = key;
  }
  radixSortByKey(keys, candidates);
  const rows = numCandidates > topK ? candidates.slice(0, topK) : candidates;
  // histogram + radix counts, candidates and keys twice (radix buffers), the row copy
  const workBytes = 8 * (1 << 16) + 16 * numCandidates + rows.byteLength;
  return { rows, workBytes };
}
