import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@apdet/backend';
import { toCocoResults } from '@apdet/detector';
import {
  RetinaNet,
  detect,
  getConfig,
  postprocessImage,
  resolveConfig,
  type InferenceConfig,
  type PostprocessInputs,
} from '../src/index.js';

beforeAll(() => useBackend('cpu'));

const C = 2;
const STDS = [0.1, 0.1, 0.2, 0.2];
const cfg: InferenceConfig = { preNmsTopK: 1000, scoreThreshold: 0.05, nmsIouThreshold: 0.5, maxDetections: 100 };

/** Level 0: anchors 0–3; level 1: anchor 4. Scores are [T·C], anchor-major. */
function scene(): PostprocessInputs {
  const anchors = [
    10,
    10,
    30,
    30, // 0
    12,
    10,
    32,
    30, // 1: IoU 0.82 with 0
    60,
    60,
    80,
    80, // 2
    0,
    0,
    20,
    20, //   3
    40,
    0,
    80,
    40, //  4 (level 1)
  ];
  const scores = [
    0.1,
    0.9, //  anchor 0: class 1 0.9
    0.7,
    0.8, //  anchor 1: class 1 0.8 (suppressed by anchor 0), class 0 0.7 (kept: other class)
    0.04,
    0.05, // anchor 2: both at or below the threshold (strict >)
    0.0,
    0.3, //  anchor 3: class 1 0.3
    0.6,
    0.0, //  anchor 4: class 0 0.6, shifted right by dx = 0.5 (·0.1·40 = 2 px)
  ];
  const deltas = new Array(20).fill(0);
  deltas[16] = 5; // anchor 4: dx = 5 · std 0.1 = 0.5 of its 40 px width → +20 px
  return { scores, deltas, anchors, levelStart: [0, 4, 5], numClasses: C, stds: STDS };
}

describe('RetinaNet post-processing', () => {
  it('threshold, class-aware NMS, score order, clipping', () => {
    const d = postprocessImage(scene(), { imageId: 7, validHeight: 100, validWidth: 90 }, cfg);
    expect(Array.from(d.scores)).toEqual([0.9, 0.7, 0.6, 0.3].map(Math.fround));
    expect(Array.from(d.labels)).toEqual([1, 0, 0, 1]);
    // Anchor 4 decoded to [60, 0, 100, 40], clipped to the valid width 90.
    expect(Array.from(d.boxes)).toEqual([10, 10, 30, 30, 12, 10, 32, 30, 60, 0, 90, 40, 0, 0, 20, 20]);
  });

  it('per-level top-k and max detections', () => {
    const d1 = postprocessImage(scene(), { imageId: 1, validHeight: 100, validWidth: 100 }, { ...cfg, preNmsTopK: 1 });
    expect(Array.from(d1.scores)).toEqual([0.9, 0.6].map(Math.fround)); // best pair of each level
    const d2 = postprocessImage(
      scene(),
      { imageId: 1, validHeight: 100, validWidth: 100 },
      { ...cfg, maxDetections: 2 },
    );
    expect(Array.from(d2.scores)).toEqual([0.9, 0.7].map(Math.fround));
  });

  it('maps boxes back to original coordinates (resize and flip) and writes COCO records', () => {
    // Original 200×180 image resized by 0.5 and flipped: x' = −0.5·x + 100, y' = 0.5·y.
    const geometry = {
      imageId: 42,
      validHeight: 100,
      validWidth: 100,
      affine: { sx: -0.5, tx: 100, sy: 0.5, ty: 0 },
      originalWidth: 200,
      originalHeight: 200,
    };
    const d = postprocessImage(scene(), geometry, { ...cfg, maxDetections: 1 });
    // [10, 10, 30, 30] in the input → x ∈ [(100−30)/0.5, (100−10)/0.5] = [140, 180], y ∈ [20, 60].
    expect(Array.from(d.boxes)).toEqual([140, 20, 180, 60]);
    const records = toCocoResults([d], [5, 9]);
    expect(records).toEqual([{ image_id: 42, category_id: 9, bbox: [140, 20, 40, 40], score: Math.fround(0.9) }]);
    expect(() => toCocoResults([d], [5])).toThrow(/no category id for label 1/);
  });

  it('detect() runs the model end to end and keeps ≤ maxDetections per image', () => {
    const config = resolveConfig(
      getConfig('retinanet-tiny'),
      { inputSize: [64, 64], inference: { scoreThreshold: 0, maxDetections: 7 } },
      'test',
    );
    const model = new RetinaNet(config, { seed: 0 });
    const images = tf.zeros([2, 64, 64, 3]) as tf.Tensor4D;
    const dets = detect(model, images, [
      { imageId: 1, validHeight: 64, validWidth: 64 },
      { imageId: 2, validHeight: 32, validWidth: 64 },
    ]);
    expect(dets.map((d) => d.scores.length)).toEqual([7, 7]);
    expect(Math.max(...Array.from(dets[1].boxes).filter((_, i) => i % 4 === 3))).toBeLessThanOrEqual(32);
    expect(dets[0].scores[0]).toBeCloseTo(0.01, 2); // prior probability at initialisation
    expect(model.training).toBe(true);
    tf.dispose(images);
    model.dispose();
  });
});
