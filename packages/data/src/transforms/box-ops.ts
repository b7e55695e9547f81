/**
 * Box helpers for transforms. Boxes are (x1, y1, x2, y2) rows in pixel units, x2 = x + w as
 * in mmdetection 2.x: a box covering pixel columns 0..9 is [0, 10].
 */

/** Applies x' = sx·x + tx, y' = sy·y + ty to each box, reordering corners if sx or sy < 0. */
export function affineBoxes(boxes: Float32Array, sx: number, tx: number, sy: number, ty: number): Float32Array {
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    const ax = sx * boxes[i] + tx;
    const bx = sx * boxes[i + 2] + tx;
    const ay = sy * boxes[i + 1] + ty;
    const by = sy * boxes[i + 3] + ty;
    out[i] = ax < bx ? ax : bx;
    out[i + 2] = ax < bx ? bx : ax;
    out[i + 1] = ay < by ? ay : by;
    out[i + 3] = ay < by ? by : ay;
  }
  return out;
}

/**
 * Clips boxes to [0, width] × [0, height] and drops those left thinner than `minSize` in
 * either direction. Returns the kept boxes and the index of each in the input.
 */
export function clipBoxes(
  boxes: Float32Array,
  width: number,
  height: number,
  minSize = 1e-3,
): { boxes: Float32Array; kept: Int32Array } {
  const n = boxes.length / 4;
  const out = new Float32Array(boxes.length);
  const kept = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const x1 = clamp(boxes[4 * i], 0, width);
    const y1 = clamp(boxes[4 * i + 1], 0, height);
    const x2 = clamp(boxes[4 * i + 2], 0, width);
    const y2 = clamp(boxes[4 * i + 3], 0, height);
    if (!(x2 - x1 >= minSize && y2 - y1 >= minSize)) continue;
    out[4 * m] = x1;
    out[4 * m + 1] = y1;
    out[4 * m + 2] = x2;
    out[4 * m + 3] = y2;
    kept[m++] = i;
  }
  return { boxes: out.slice(0, 4 * m), kept: kept.slice(0, m) };
}

/** Picks `labels[kept[i]]`. */
export function selectLabels(labels: Int32Array, kept: Int32Array): Int32Array {
  const out = new Int32Array(kept.length);
  for (let i = 0; i < kept.length; i++) out[i] = labels[kept[i]]!;
  return out;
}

/** IoU of box `i` of `boxes` with the box (x1, y1, x2, y2). */
export function iouWith(boxes: Float32Array, i: number, x1: number, y1: number, x2: number, y2: number): number {
  const bx1 = boxes[4 * i];
  const by1 = boxes[4 * i + 1];
  const bx2 = boxes[4 * i + 2];
  const by2 = boxes[4 * i + 3];
  const iw = Math.min(bx2, x2) - Math.max(bx1, x1);
  const ih = Math.min(by2, y2) - Math.max(by1, y1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  return inter / ((bx2 - bx1) * (by2 - by1) + (x2 - x1) * (y2 - y1) - inter);
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
