/**
 * Detections from network-input coordinates back to the original image: the inverse of the data
 * pipeline's affine map (flips undone), then a clip to the original size when it is known — the
 * same mapping as RetinaNet's post-processing (packages/retinanet/src/postprocess.ts).
 */
import type { Detections, ImageGeometry } from '@apdet/detector';

/** One image's detections in input coordinates (what `roiDetections` returns). */
export interface InputDetections {
  boxes: Float32Array;
  scores: Float32Array;
  labels: Int32Array;
}

/** {@link InputDetections} of the image `geometry` describes → {@link Detections} in original coordinates. */
export function toOriginalDetections(d: InputDetections, geometry: ImageGeometry): Detections {
  return { imageId: geometry.imageId, boxes: toOriginal(d.boxes, geometry), scores: d.scores, labels: d.labels };
}

/** Input coordinates → original image coordinates (inverse affine, flips undone, optional clip). */
export function toOriginal(boxes: Float32Array, g: ImageGeometry): Float32Array {
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
