/**
 * A padded batch: each image's anchors whose centre lies in the batch padding are ignored (−1)
 * by the RPN targets, as mmdet's valid flags make them (src/loss.ts `rpnTargetsForBatch`).
 * Without the valid flags they would be negatives: at 64 px the tiny preset has 252 anchors per
 * image, fewer than the RandomSampler's 256, so every negative is sampled and labelled 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@apdet/backend';
import type { TrainBatch } from '@apdet/detector';
import { getLoss } from '@apdet/losses';
import { FasterRCNN, getConfig, resolveConfig, rpnTargetsForBatch } from '../src/index.js';

beforeAll(() => useBackend('cpu'));

const SIZE = 64;

describe('RPN targets of a padded batch', () => {
  // Valid sizes on multiples of the largest stride (32): there mmdet's valid cells are exactly
  // the cells whose anchor centre (offset 0.5) lies inside the image.
  const validShapes: [number, number][] = [
    [64, 32],
    [32, 64],
  ];
  let batch: TrainBatch;
  beforeAll(() => {
    batch = {
      images: tf.zeros([2, SIZE, SIZE, 3]),
      annotations: [
        { boxes: Float32Array.from([4, 8, 28, 40]), labels: Int32Array.from([1]), validShape: validShapes[0] },
        { boxes: Float32Array.from([10, 6, 50, 30]), labels: Int32Array.from([2]), validShape: validShapes[1] },
      ],
    };
  });
  afterAll(() => batch.images.dispose());

  for (const lossName of ['ce+l1', 'param-ap']) {
    it(`${lossName}: anchors centred in the padding get label −1, the image's own anchors are sampled`, () => {
      const config = resolveConfig(getConfig('faster-rcnn-tiny'), { inputSize: [SIZE, SIZE] }, 'test');
      const model = new FasterRCNN(config, { loss: getLoss(lossName), seed: 0 });
      const { anchors } = model.anchors(SIZE, SIZE);
      const targets = rpnTargetsForBatch(model, batch, { iter: 0, seed: 0 });
      targets.forEach((t, image) => {
        const [h, w] = validShapes[image];
        let padding = 0;
        const inside = [0, 0, 0]; // ignored, positive, negative anchors centred inside the image
        for (let a = 0; a < t.labels.length; a++) {
          const cx = (anchors[4 * a] + anchors[4 * a + 2]) / 2;
          const cy = (anchors[4 * a + 1] + anchors[4 * a + 3]) / 2;
          if (cx >= w || cy >= h) {
            padding += 1;
            expect(t.labels[a], `image ${image} anchor ${a} centred at (${cx}, ${cy})`).toBe(-1);
          } else {
            inside[t.labels[a] + 1] += 1;
          }
        }
        // Half of each image is padding (the test is not vacuous); inside, the GT box has
        // positives and, as 252 anchors < 256 samples, every negative is sampled.
        expect(padding).toBe(126);
        expect(inside[1]).toBeGreaterThan(0);
        expect(inside[2]).toBeGreaterThan(100);
        expect(t.numSampled).toBe(inside[1] + inside[2]);
      });
      model.dispose();
    });
  }
});
