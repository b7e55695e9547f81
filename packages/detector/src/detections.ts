/**
 * Detections in original image coordinates and their COCO results-format records, with the
 * model's own class list (ids and names), which a run stores so that every consumer labels
 * detections the same way.
 */

/** Detections of one image, best first, in original image coordinates. */
export interface Detections {
  imageId: number;
  /** Flat xyxy. */
  boxes: Float32Array;
  scores: Float32Array;
  /** Contiguous class index in [0, C). */
  labels: Int32Array;
}

/** One COCO results-format record. */
export interface CocoDetection {
  image_id: number;
  category_id: number;
  /** [x, y, width, height]. */
  bbox: [number, number, number, number];
  score: number;
}

/** One class of a trained model: its COCO category id and name (label i is `classes[i]`). */
export interface ClassInfo {
  id: number;
  name: string;
}

/**
 * COCO results-format records: `bbox` = [x, y, w, h], `category_id = labelToCategory[label]`.
 *
 * @example
 * const records = toCocoResults(dets, classes.map((c) => c.id));   // write as detections.json
 */
export function toCocoResults(detections: readonly Detections[], labelToCategory: ArrayLike<number>): CocoDetection[] {
  const out: CocoDetection[] = [];
  for (const d of detections) {
    for (let j = 0; j < d.scores.length; j++) {
      const label = d.labels[j];
      const category = labelToCategory[label];
      if (category === undefined) {
        throw new RangeError(`toCocoResults: no category id for label ${label} (map has ${labelToCategory.length})`);
      }
      const [x1, y1, x2, y2] = d.boxes.subarray(4 * j, 4 * j + 4);
      out.push({ image_id: d.imageId, category_id: category, bbox: [x1, y1, x2 - x1, y2 - y1], score: d.scores[j] });
    }
  }
  return out;
}
