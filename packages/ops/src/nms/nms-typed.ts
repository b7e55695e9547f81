/**
 * Greedy NMS on flat typed arrays with torchvision semantics:
 *  - visit boxes in stable descending score order (ties: lower index first);
 *  - a box is suppressed iff its IoU with an already kept box is STRICTLY greater than the
 *    threshold (IoU exactly equal to the threshold is kept);
 *  - IoU = inter / (area_i + area_j − inter), areas (x2−x1)(y2−y1), no epsilon.
 *
 * Arithmetic follows the input's precision, like torchvision on float32 / float64 tensors:
 * with a Float32Array, any IoU within 1e-5 of the threshold is recomputed with every
 * intermediate rounded to float32 (Math.fround), so decisions at IoUs that sit exactly on the
 * threshold agree with torchvision's float32 kernel; all other pairs use fast float64 math.
 */
import { boxCount } from '../boxes/types.js';
import { stableDescendingOrder } from './sort.js';

function checkInputs(boxes: ArrayLike<number>, scores: ArrayLike<number>, iouThreshold: number, what: string): number {
  const n = boxCount(boxes, `${what}(boxes)`);
  if (scores.length !== n) throw new RangeError(`${what}: ${n} boxes but ${scores.length} scores`);
  if (!Number.isFinite(iouThreshold)) throw new RangeError(`${what}: iouThreshold must be finite, got ${iouThreshold}`);
  return n;
}

/**
 * IoU in float32 arithmetic exactly as torchvision's float32 kernel (each operation rounded);
 * only evaluated when the fast float64 value lies within {@link FLOAT32_MARGIN} of the threshold.
 */
function iouFloat32(
  ix1: number,
  iy1: number,
  ix2: number,
  iy2: number,
  iarea: number,
  jx1: number,
  jy1: number,
  jx2: number,
  jy2: number,
  jarea: number,
): number {
  const f = Math.fround;
  const w = Math.max(0, f(Math.min(ix2, jx2) - Math.max(ix1, jx1)));
  const h = Math.max(0, f(Math.min(iy2, jy2) - Math.max(iy1, jy1)));
  const inter = f(w * h);
  return f(inter / f(f(iarea + jarea) - inter));
}

/**
 * The float64 IoU of float32 inputs differs from the float32-arithmetic IoU by a few float32
 * ulps (≲ 1e-6): decisions farther than this from the threshold cannot differ.
 */
const FLOAT32_MARGIN = 1e-5;

/**
 * Greedy suppression within one list of candidate indices (already in visiting order); marks
 * the survivors in `keep`. Coordinates are copied into visiting order first so the inner loop
 * reads memory sequentially.
 */
function suppress(
  boxes: ArrayLike<number>,
  areas: Float64Array,
  candidates: Int32Array,
  iouThreshold: number,
  float32: boolean,
  keep: Uint8Array,
): void {
  const m = candidates.length;
  const x1 = new Float64Array(m),
    y1 = new Float64Array(m),
    x2 = new Float64Array(m),
    y2 = new Float64Array(m);
  const ar = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    const o = 4 * candidates[a];
    x1[a] = boxes[o];
    y1[a] = boxes[o + 1];
    x2[a] = boxes[o + 2];
    y2[a] = boxes[o + 3];
    ar[a] = areas[candidates[a]];
  }
  const removed = new Uint8Array(m);
  for (let a = 0; a < m; a++) {
    if (removed[a]) continue;
    keep[candidates[a]] = 1;
    const ix1 = x1[a],
      iy1 = y1[a],
      ix2 = x2[a],
      iy2 = y2[a],
      iarea = ar[a];
    for (let b = a + 1; b < m; b++) {
      if (removed[b]) continue;
      const w = Math.min(ix2, x2[b]) - Math.max(ix1, x1[b]);
      if (w <= 0) continue; // IoU 0 never exceeds a threshold ≥ 0
      const h = Math.min(iy2, y2[b]) - Math.max(iy1, y1[b]);
      if (h <= 0) continue;
      const inter = w * h;
      let iou = inter / (iarea + ar[b] - inter);
      if (float32 && !(Math.abs(iou - iouThreshold) > FLOAT32_MARGIN)) {
        iou = iouFloat32(ix1, iy1, ix2, iy2, iarea, x1[b], y1[b], x2[b], y2[b], ar[b]);
      }
      if (iou > iouThreshold) removed[b] = 1;
    }
  }
}

/** Box areas; with float32 inputs rounded like torchvision's float32 `(x2−x1)·(y2−y1)`. */
function areasOf(boxes: ArrayLike<number>, n: number, float32: boolean): Float64Array {
  const areas = new Float64Array(n);
  const f = float32 ? Math.fround : (x: number) => x;
  for (let i = 0; i < n; i++) {
    const o = 4 * i;
    areas[i] = f(f(boxes[o + 2] - boxes[o]) * f(boxes[o + 3] - boxes[o + 1]));
  }
  return areas;
}

function keptInOrder(order: Int32Array, keep: Uint8Array): number[] {
  const out: number[] = [];
  for (const i of order) if (keep[i]) out.push(i);
  return out;
}

/**
 * Single-class NMS on flat xyxy boxes. Returns kept indices in decreasing score order.
 * The threshold must be ≥ 0 (non-overlapping pairs are skipped early, which is only exact then).
 */
export function nmsTyped(boxes: ArrayLike<number>, scores: ArrayLike<number>, iouThreshold: number): number[] {
  const n = checkInputs(boxes, scores, iouThreshold, 'nmsTyped');
  if (iouThreshold < 0) throw new RangeError(`nmsTyped: iouThreshold must be ≥ 0, got ${iouThreshold}`);
  const float32 = boxes instanceof Float32Array;
  const order = stableDescendingOrder(scores, 'nmsTyped');
  const keep = new Uint8Array(n);
  suppress(boxes, areasOf(boxes, n, float32), order, iouThreshold, float32, keep);
  return keptInOrder(order, keep);
}

/**
 * Class-aware NMS: boxes with different `classIds` never suppress each other. Equivalent to
 * running {@link nmsTyped} per class and merging; the result is sorted by decreasing score
 * (ties by index), like torchvision `batched_nms`. The score order is computed once and split
 * per class (stable), so each class runs its own O(n_c²) suppression.
 */
export function batchedNmsTyped(
  boxes: ArrayLike<number>,
  scores: ArrayLike<number>,
  classIds: ArrayLike<number>,
  iouThreshold: number,
): number[] {
  const n = checkInputs(boxes, scores, iouThreshold, 'batchedNmsTyped');
  if (classIds.length !== n) throw new RangeError(`batchedNmsTyped: ${n} boxes but ${classIds.length} class ids`);
  if (iouThreshold < 0) throw new RangeError(`batchedNmsTyped: iouThreshold must be ≥ 0, got ${iouThreshold}`);
  const float32 = boxes instanceof Float32Array;
  const order = stableDescendingOrder(scores, 'batchedNmsTyped');
  const areas = areasOf(boxes, n, float32);
  const keep = new Uint8Array(n);
  for (const members of splitByClass(order, classIds)) suppress(boxes, areas, members, iouThreshold, float32, keep);
  return keptInOrder(order, keep);
}

/** Splits the visiting order into one list per class, each keeping the global order. */
function splitByClass(order: Int32Array, classIds: ArrayLike<number>): Int32Array[] {
  const counts = new Map<number, number>();
  for (let i = 0; i < order.length; i++) {
    const c = classIds[i];
    if (Number.isNaN(c)) throw new RangeError(`batchedNmsTyped: class id ${i} is NaN`);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const lists = new Map<number, { ids: Int32Array; fill: number }>();
  for (const [c, k] of counts) lists.set(c, { ids: new Int32Array(k), fill: 0 });
  for (const i of order) {
    const list = lists.get(classIds[i])!;
    list.ids[list.fill++] = i;
  }
  return [...lists.values()].map((l) => l.ids);
}
