import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@apdet/backend';
import type { ImageGeometry } from '@apdet/detector';
import { getLoss } from '@apdet/losses';
import { boxesToOriginal } from '@apdet/detector';
import { FasterRCNN, resolveConfig, getConfig } from '../src/index.js';

beforeAll(() => useBackend('cpu'));

/** faster-rcnn-tiny at 64 px with thin layers: an untrained model, so RoI scores sit near 0.5 (bias 0). */
function smallModel(loss: string): FasterRCNN {
  const config = resolveConfig(
    getConfig('faster-rcnn-tiny'),
    { inputSize: [64, 64], fpn: { outChannels: 16 }, rpn: { channels: 16 }, roi: { fcChannels: 32 } },
    'test',
  );
  return new FasterRCNN(config, { loss: getLoss(loss), seed: 5 });
}

describe('FasterRCNN.detect', () => {
  it('returns boxes inside each image, best first, ≤ maxDetections, leaving no tensor and the training mode', () => {
    const model = smallModel('param-ap');
    const images = tf.randomNormal([2, 64, 64, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
    // Image 0 fills the input; image 1 is a 48×40 image padded to 64×64 and scaled ×2 from a 24×20 original.
    const geometries: ImageGeometry[] = [
      { imageId: 7, validHeight: 64, validWidth: 64 },
      {
        imageId: 9,
        validHeight: 48,
        validWidth: 40,
        affine: { sx: 2, tx: 0, sy: 2, ty: 0 },
        originalWidth: 20,
        originalHeight: 24,
      },
    ];
    model.train();
    model.detect(images, geometries); // warm-up: anchors are cached once
    const before = tf.memory().numTensors;
    const dets = model.detect(images, geometries);
    expect(tf.memory().numTensors).toBe(before);
    expect(model.training).toBe(true);
    expect(dets.map((d) => d.imageId)).toEqual([7, 9]);
    const limits = [
      [64, 64],
      [20, 24],
    ];
    dets.forEach((d, i) => {
      expect(d.scores.length).toBeGreaterThan(0); // untrained: sigmoid(≈0) ≈ 0.5 > 0.05
      expect(d.scores.length).toBeLessThanOrEqual(100);
      expect(d.boxes.length).toBe(4 * d.scores.length);
      for (let j = 0; j < d.scores.length; j++) {
        expect(d.scores[j]).toBeGreaterThan(0.05);
        if (j > 0) expect(d.scores[j]).toBeLessThanOrEqual(d.scores[j - 1]);
        expect(d.labels[j] >= 0 && d.labels[j] < 6).toBe(true);
        const [x1, y1, x2, y2] = d.boxes.subarray(4 * j, 4 * j + 4);
        expect(0 <= x1 && x1 <= x2 && x2 <= limits[i][0]).toBe(true);
        expect(0 <= y1 && y1 <= y2 && y2 <= limits[i][1]).toBe(true);
      }
    });
    images.dispose();
    model.dispose();
  });

  it('clips to the valid region of a padded image when the original size is unknown', () => {
    const model = smallModel('ce+l1');
    const images = tf.randomNormal([1, 64, 64, 3], 0, 1, 'float32', 12) as tf.Tensor4D;
    model.eval();
    const [d] = model.detect(images, [{ imageId: 1, validHeight: 40, validWidth: 32 }]);
    expect(model.training).toBe(false);
    for (let j = 0; j < d.scores.length; j++) {
      const [x1, y1, x2, y2] = d.boxes.subarray(4 * j, 4 * j + 4);
      expect(x1 >= 0 && y1 >= 0 && x2 <= 32 && y2 <= 40).toBe(true);
    }
    images.dispose();
    model.dispose();
  });

  it('maps input boxes to original coordinates, undoing a flip', () => {
    // Original 100×50 resized ×0.5 and flipped: x' = −0.5·x + 50, y' = 0.5·y.
    const g: ImageGeometry = {
      imageId: 1,
      validHeight: 25,
      validWidth: 50,
      affine: { sx: -0.5, tx: 50, sy: 0.5, ty: 0 },
      originalWidth: 100,
      originalHeight: 50,
    };
    expect(Array.from(boxesToOriginal(Float32Array.from([10, 5, 20, 15]), g))).toEqual([60, 10, 80, 30]);
  });
});
