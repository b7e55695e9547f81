import type { Detections } from './detections.js';
import type { GroundTruth } from './ground-truth.js';
import { stableSortDescending } from './stable-sort.js';

/**
 * GTs and detections grouped into evaluation cells: one per (category, image) with
 * `useCats`, one per image without. Only non-empty cells exist (memory stays O(records) even
 * for hundreds of categories × 100k images). Cells are ordered category-major, images in
 * sorted id order, so each category's detections form one contiguous block (what
 * accumulate() needs).
 */
export interface Cells {
  readonly numCells: number;
  /** Category blocks: K with `useCats`, else 1. Block b owns cells `[blockStart[b], blockStart[b+1])`. */
  readonly numBlocks: number;
  readonly blockStart: Int32Array;
  /** GT indices per cell: `gtOrder[gtStart[c] .. gtStart[c+1])`, in file order. */
  readonly gtStart: Int32Array;
  readonly gtOrder: Int32Array;
  /**
   * Detection indices per cell, sorted by descending score (stable) and truncated to the
   * largest maxDet: `dtOrder[dtStart[c] .. dtStart[c+1])`.
   */
  readonly dtStart: Int32Array;
  readonly dtOrder: Int32Array;
}

/** Above this many (image, category) keys, cells are built from the keys that occur only. */
export const DENSE_KEY_LIMIT = 1 << 22;

/**
 * Builds the cells. Records are ordered by a grouping key with a stable counting sort over the
 * ranks of the keys that occur. Without `useCats` the key is (image, category), so a cell lists
 * its records by category id, then file order: the order pycocotools builds with
 * `[_ for cId in p.catIds for _ in self._gts[imgId, cId]]`, which decides ties.
 */
export function buildCells(
  gt: GroundTruth,
  dt: Detections,
  useCats: boolean,
  maxDet: number,
  denseKeyLimit = DENSE_KEY_LIMIT,
): Cells {
  const I = gt.imageIds.length;
  const K = gt.categoryIds.length;
  // keys are exact integers below I*K (< 2^53): Float64Array holds them without overflow
  const keyOf = useCats ? (img: number, cat: number) => cat * I + img : (img: number, cat: number) => img * K + cat;
  const cellOf = useCats ? (key: number) => key : (key: number) => Math.floor(key / K);
  const blockOf = useCats ? (key: number) => Math.floor(key / I) : () => 0;
  const gtKeys = recordKeys(gt.count, (i) => keyOf(gt.image[i], gt.category[i]));
  const dtKeys = recordKeys(dt.count, (i) => keyOf(dt.image[i], dt.category[i]));
  // COCO-sized key spaces are counted directly; huge ones (365 categories x 80k images) are
  // first compacted to the keys that occur, so memory stays O(records)
  const dense = I * K <= denseKeyLimit;
  const keys = dense ? null : uniqueSorted(gtKeys, dtKeys);
  const numKeys = keys === null ? I * K : keys.length;
  const rank = keys === null ? (key: number) => key : (key: number) => rankOf(keys, key);
  const keyAt = keys === null ? (u: number) => u : (u: number) => keys[u];
  const gtGroups = countingSortByKey(gtKeys, numKeys, rank);
  const dtGroups = countingSortByKey(dtKeys, numKeys, rank);

  // a cell starts at the first non-empty key with a new cell id; blocks are runs of cells
  const numBlocks = useCats ? K : 1;
  const cellFirstKey: number[] = [];
  let lastCell = -1;
  for (let u = 0; u < numKeys; u++) {
    if (gtGroups.start[u + 1] === gtGroups.start[u] && dtGroups.start[u + 1] === dtGroups.start[u]) continue;
    const cell = cellOf(keyAt(u));
    if (cell !== lastCell) cellFirstKey.push(u);
    lastCell = cell;
  }
  const numCells = cellFirstKey.length;
  const gtStart = new Int32Array(numCells + 1);
  const dtAll = new Int32Array(numCells + 1);
  const blockStart = new Int32Array(numBlocks + 1);
  for (let c = 0; c < numCells; c++) {
    gtStart[c] = gtGroups.start[cellFirstKey[c]]!;
    dtAll[c] = dtGroups.start[cellFirstKey[c]]!;
    blockStart[blockOf(keyAt(cellFirstKey[c])) + 1]++;
  }
  gtStart[numCells] = gt.count;
  dtAll[numCells] = dt.count;
  for (let b = 0; b < numBlocks; b++) blockStart[b + 1] += blockStart[b];
  const { dtStart, dtOrder } = sortAndTruncate(dtGroups.order, dtAll, dt.scores, maxDet);
  return { numCells, numBlocks, blockStart, gtStart, gtOrder: gtGroups.order, dtStart, dtOrder };
}

function recordKeys(n: number, keyOf: (i: number) => number): Float64Array {
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = keyOf(i);
  return keys;
}

/** Sorted distinct values of both arrays (native numeric typed-array sort, no comparator). */
function uniqueSorted(a: Float64Array, b: Float64Array): Float64Array {
  const all = new Float64Array(a.length + b.length);
  all.set(a);
  all.set(b, a.length);
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[n - 1]) all[n++] = all[i]!;
  return all.subarray(0, n);
}

/** Index of `key` in the sorted distinct `keys` (it is always present). */
function rankOf(keys: Float64Array, key: number): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Stable counting sort of records by the rank of their key; `start[u]` = first record of key u. */
function countingSortByKey(
  recordKey: Float64Array,
  numKeys: number,
  rank: (key: number) => number,
): { start: Int32Array; order: Int32Array } {
  const n = recordKey.length;
  const ranks = new Int32Array(n);
  const start = new Int32Array(numKeys + 1);
  for (let i = 0; i < n; i++) {
    // records often come grouped: reuse the previous rank when the key repeats
    const r = i > 0 && recordKey[i] === recordKey[i - 1] ? ranks[i - 1] : rank(recordKey[i]);
    ranks[i] = r;
    start[r + 1]++;
  }
  for (let u = 0; u < numKeys; u++) start[u + 1] += start[u];
  const fill = start.slice(0, numKeys);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[fill[ranks[i]]++] = i;
  return { start, order };
}

function sortAndTruncate(
  order: Int32Array,
  start: Int32Array,
  scores: Float64Array,
  maxDet: number,
): { dtStart: Int32Array; dtOrder: Int32Array } {
  const numCells = start.length - 1;
  let largest = 0;
  for (let c = 0; c < numCells; c++) largest = Math.max(largest, start[c + 1] - start[c]);
  const scratch = new Int32Array(largest);
  const dtStart = new Int32Array(numCells + 1);
  const dtOrder = new Int32Array(order.length);
  let out = 0;
  for (let c = 0; c < numCells; c++) {
    const s = start[c];
    const e = start[c + 1];
    dtStart[c] = out;
    if (e - s > 1) stableSortDescending(order, s, e, scores, scratch);
    const keep = Math.min(e - s, maxDet);
    for (let j = 0; j < keep; j++) dtOrder[out++] = order[s + j]!;
  }
  dtStart[numCells] = out;
  return { dtStart, dtOrder: dtOrder.subarray(0, out) };
}
