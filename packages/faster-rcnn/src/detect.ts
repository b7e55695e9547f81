/**
 * Inference (mmdet `StandardRoIHead.simple_test`): backbone and FPN in evaluation mode, the RPN's
 * test proposals on the host, the RoI head on them, per-class scores from the loss's classifier
 * (`loss.scores('roi', …)`: sigmoid, or softmax without the background column), then per image
 * class-specific decoding, score threshold, per-class NMS and the best `maxDetections`
 * (`roiDetections`), mapped to original image coordinates.
 */
import * as tf from '@tensorflow/tfjs';
import type { Detections, ImageGeometry } from '@apdet/detector';
import type { FasterRCNN } from './model/faster-rcnn.js';
import { toOriginalDetections } from './postprocess.js';
import { roiDetections } from './roi-postprocess.js';
import { proposalsForBatch } from './rpn-proposals.js';

/**
 * Detects objects in a batch of normalised NHWC images (padded to one size). Returns one
 * {@link Detections} per image, in original image coordinates; leaves no tensor behind and
 * restores the model's training mode.
 *
 * @example
 * const dets = detect(model, images, metas); // metas: @apdet/data SampleMeta fit ImageGeometry
 */
export function detect(model: FasterRCNN, images: tf.Tensor4D, geometries: readonly ImageGeometry[]): Detections[] {
  const [b, height, width] = images.shape;
  if (geometries.length !== b) throw new Error(`detect: ${geometries.length} image geometries for ${b} images`);
  const c = model.config;
  const numClasses = c.numClasses;
  const wasTraining = model.training;
  model.eval();
  let pyramid: tf.Tensor4D[] = [];
  try {
    pyramid = tf.tidy(() => model.features(images));
    const validShapes = geometries.map((g) => [g.validHeight, g.validWidth] as const);
    const rpn = tf.tidy(() => ({ ...model.rpnHead.forward(pyramid) }));
    const proposals = (() => {
      try {
        return proposalsForBatch(rpn, model.anchors(height, width), validShapes, model.rpnStds, c.rpn.test);
      } finally {
        tf.dispose([rpn.logits, rpn.deltas]);
      }
    })();
    const counts = proposals.map((p) => p.scores.length);
    const k = counts.reduce((s, n) => s + n, 0);
    const boxes = new Float32Array(4 * k);
    const imageIndex = new Int32Array(k);
    let at = 0;
    proposals.forEach((p, i) => {
      boxes.set(p.boxes.subarray(0, 4 * counts[i]), 4 * at);
      imageIndex.fill(i, at, at + counts[i]);
      at += counts[i];
    });
    // [K, C] probabilities and [K, C·4] deltas in one read.
    const values =
      k === 0
        ? new Float32Array(0)
        : tf.tidy(() => {
            const head = model.roiHead.forward(model.roiFeatures(pyramid), { boxes, imageIndex });
            const probs = model.loss.scores('roi', head.logits);
            return tf.concat([probs, head.deltas], 1).dataSync() as Float32Array;
          });
    const row = 5 * numClasses;
    let first = 0;
    return geometries.map((g, i) => {
      const n = counts[i];
      const probs = new Float32Array(n * numClasses);
      const deltas = new Float32Array(4 * n * numClasses);
      for (let j = 0; j < n; j++) {
        const from = (first + j) * row;
        probs.set(values.subarray(from, from + numClasses), j * numClasses);
        deltas.set(values.subarray(from + numClasses, from + row), 4 * j * numClasses);
      }
      const rois = boxes.subarray(4 * first, 4 * (first + n));
      first += n;
      const shape = [g.validHeight, g.validWidth] as const;
      const found = roiDetections(probs, deltas, rois, numClasses, shape, model.roiStds, c.inference);
      return toOriginalDetections(found, g);
    });
  } finally {
    tf.dispose(pyramid);
    model.train(wasTraining);
  }
}
