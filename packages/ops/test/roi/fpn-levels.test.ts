import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fpnLevelOfBox, mapRoisToLevels } from '../../src/roi/index.js';

const P2_P5 = { minLevel: 2, maxLevel: 5 };
const square = (side: number) => fpnLevelOfBox(10, 20, 10 + side, 20 + side, P2_P5);

describe('FPN level mapping (torchvision LevelMapper: 224 → level 4, eps 1e-6)', () => {
  beforeAll(() => tf.setBackend('cpu'));

  it('puts boxes of exactly 224·2^j on level 4 + j (the eps), just below on the level under it', () => {
    expect(square(224)).toBe(4);
    expect(square(223.99)).toBe(3);
    expect(square(112)).toBe(3);
    expect(square(111.99)).toBe(2);
    expect(square(448)).toBe(5);
    expect(square(447.9)).toBe(4);
  });

  it('clamps to [minLevel, maxLevel]', () => {
    expect(square(1)).toBe(2);
    expect(square(5000)).toBe(5);
    expect(fpnLevelOfBox(0, 0, 0, 50, P2_P5)).toBe(2); // zero area
    expect(fpnLevelOfBox(0, 0, -10, 50, P2_P5)).toBe(2); // negative area
  });

  it('uses sqrt(w·h) of non-square boxes and honours canonicalScale / canonicalLevel', () => {
    expect(fpnLevelOfBox(0, 0, 448, 112, P2_P5)).toBe(4); // sqrt = 224
    expect(fpnLevelOfBox(0, 0, 100, 100, { ...P2_P5, canonicalScale: 100, canonicalLevel: 3 })).toBe(3);
  });

  it('agrees with mmdet map_roi_levels (finest_scale 56) away from level boundaries', () => {
    for (let side = 3; side < 2000; side *= 1.07) {
      const mmdet = Math.min(3, Math.max(0, Math.floor(Math.log2(side / 56 + 1e-6))));
      expect(square(side) - 2, `side ${side}`).toBe(mmdet);
    }
  });

  it('maps [K,5] and [K,4] RoI tensors', () => {
    const rois = [
      [0, 0, 0, 224, 224],
      [1, 0, 0, 30, 30],
    ];
    expect(Array.from(mapRoisToLevels(tf.tensor2d(rois), P2_P5))).toEqual([4, 2]);
    expect(Array.from(mapRoisToLevels(tf.tensor2d(rois.map((r) => r.slice(1))), P2_P5))).toEqual([4, 2]);
    expect(() => mapRoisToLevels(tf.zeros([2, 3]) as tf.Tensor2D, P2_P5)).toThrow(/\[K,5\] or \[K,4\]/);
  });
});
