/**
 * Detections from network-input coordinates back to the original image: the inverse of the data
 * pipeline's affine map (flips undone), then a clip to the original size when it is known — the
 * same mapping as RetinaNet's post-processing (packages/retinanet/src/postprocess.ts).
 */
import { boxesToOriginal, type Detections, type ImageGeometry } from '@apdet/detector';

/** One image's detections in input coordinates (what `roiDetections` returns). */
export interface InputDetections {
  boxes: Float32Array;
  scores: Float32Array;
  labels: Int32Array;
}

/** {@link InputDetections} of the image `geometry` describes → {@link Detections} in original coordinates. */
export function toOriginalDetections(d: InputDetections, geometry: ImageGeometry): Detections {
  return { imageId: geometry.imageId, boxes: boxesToOriginal(d.boxes, geometry), scores: d.scores, labels: d.labels };
}
