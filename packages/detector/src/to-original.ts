/**
 * Boxes in a model's input coordinates → the original image's (the inverse of the pipeline's
 * resize/flip affine, `ImageGeometry.affine`). Every detector's `detect` ends with it.
 */
import type { ImageGeometry } from './batch.js';

/**
 * Input coordinates → original image coordinates: the inverse affine, flips undone (x1 ≤ x2,
 * y1 ≤ y2 again), clipped to the original size when the geometry knows it. `[N·4]` xyxy in, out.
 *
 * @example
 * const boxes = boxesToOriginal(inputBoxes, geometries[i]);
 */
export function boxesToOriginal(boxes: Float32Array, g: ImageGeometry): Float32Array {
  const { sx, tx, sy, ty } = g.affine ?? { sx: 1, tx: 0, sy: 1, ty: 0 };
  const out = new Float32Array(boxes.length);
  const clip = (v: number, hi: number | undefined) => (hi === undefined ? v : Math.min(Math.max(v, 0), hi));
  for (let i = 0; i < boxes.length; i += 4) {
    const ax = (boxes[i] - tx) / sx;
    const bx = (boxes[i + 2] - tx) / sx;
    const ay = (boxes[i + 1] - ty) / sy;
    const by = (boxes[i + 3] - ty) / sy;
    out[i] = clip(Math.min(ax, bx), g.originalWidth);
    out[i + 1] = clip(Math.min(ay, by), g.originalHeight);
    out[i + 2] = clip(Math.max(ax, bx), g.originalWidth);
    out[i + 3] = clip(Math.max(ay, by), g.originalHeight);
  }
  return out;
}
