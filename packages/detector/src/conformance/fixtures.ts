/**
 * Fixed inputs of the conformance suite: a tiny batch of seeded images with boxes, and its
 * geometries. The same batch every time, so "the loss falls" is measured on one problem.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@apdet/rng';
import type { ImageGeometry, TrainBatch } from '../batch.js';

export interface FixedBatch {
  batch: TrainBatch;
  geometries: ImageGeometry[];
}

/**
 * `images` images of `size`×`size` (normalised values), each with 1–3 boxes of classes in
 * [0, numClasses), drawn as brighter squares so there is something to learn.
 */
export function fixedBatch(images: number, size: number, numClasses: number, seed = 7): FixedBatch {
  const rng = Rng.from(seed, images, size, numClasses);
  const pixels = new Float32Array(images * size * size * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.uniform(-0.5, 0.5);
  const annotations = [];
  const geometries: ImageGeometry[] = [];
  for (let b = 0; b < images; b++) {
    const n = rng.int(1, 4);
    const boxes: number[] = [];
    const labels: number[] = [];
    for (let g = 0; g < n; g++) {
      const side = rng.uniform(size * 0.2, size * 0.5);
      const x = rng.uniform(0, size - side);
      const y = rng.uniform(0, size - side);
      const label = rng.int(0, numClasses);
      boxes.push(x, y, x + side, y + side);
      labels.push(label);
      // A square whose brightness encodes the class.
      for (let yy = Math.floor(y); yy < Math.floor(y + side); yy++) {
        for (let xx = Math.floor(x); xx < Math.floor(x + side); xx++) {
          const at = ((b * size + yy) * size + xx) * 3;
          pixels[at] = 1 + label;
          pixels[at + 1] = 1;
          pixels[at + 2] = -1;
        }
      }
    }
    annotations.push({
      boxes: Float32Array.from(boxes),
      labels: Int32Array.from(labels),
      validShape: [size, size] as const,
    });
    geometries.push({ imageId: b + 1, validHeight: size, validWidth: size, originalWidth: size, originalHeight: size });
  }
  return { batch: { images: tf.tensor4d(pixels, [images, size, size, 3]), annotations }, geometries };
}
