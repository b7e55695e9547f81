/**
 * Inference: forward pass in evaluation mode, per-class scores from the loss's classifier,
 * then typed-array post-processing per image.
 */
import * as tf from '@tensorflow/tfjs';
import type { RetinaNet } from './model/retinanet.js';
import type { Detections, ImageGeometry } from '@apdet/detector';
import { postprocessImage } from './postprocess.js';

/**
 * Detects objects in a batch of normalised NHWC images (padded to one size). Returns one
 * {@link Detections} per image, in original image coordinates. The model's training mode is
 * restored afterwards.
 *
 * @example
 * const dets = detect(model, images, metas);          // metas: @apdet/data SampleMeta fit ImageGeometry
 */
export function detect(model: RetinaNet, images: tf.Tensor4D, geometries: readonly ImageGeometry[]): Detections[] {
  const [b, height, width] = images.shape;
  if (geometries.length !== b) throw new Error(`detect: ${geometries.length} image geometries for ${b} images`);
  const wasTraining = model.training;
  model.eval();
  try {
    const { scores, deltas } = tf.tidy(() => {
      const out = model.forward(images);
      const [, t, k] = out.logits.shape;
      const probs = model.scores(tf.reshape(out.logits, [b * t, k]) as tf.Tensor2D);
      return { scores: probs.dataSync() as Float32Array, deltas: out.deltas.dataSync() as Float32Array };
    });
    const { anchors, levelStart } = model.anchors(height, width);
    const t = anchors.length / 4;
    const c = model.config.numClasses;
    return geometries.map((g, i) =>
      postprocessImage(
        {
          scores: scores.subarray(i * t * c, (i + 1) * t * c),
          deltas: deltas.subarray(4 * i * t, 4 * (i + 1) * t),
          anchors,
          levelStart,
          numClasses: c,
          stds: model.boxCoderStds,
        },
        g,
        model.config.inference,
      ),
    );
  } finally {
    model.train(wasTraining);
  }
}
