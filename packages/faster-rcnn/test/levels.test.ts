// The RoI → FPN level mapping the RoI head pools with (@apdet/ops fpnLevelOfBox / mapRoisToLevels,
// canonical 224 at level 4, P2–P5) against tools/make-oracle.py: torchvision's LevelMapper and the
// mmdet 2.1 `map_roi_levels` transcription, at the bucket boundaries 112 / 224 / 448.
//
// Both give the buckets < 112 → P2, < 224 → P3, < 448 → P4, ≥ 448 → P5, exactly at the boundaries
// too (the eps of each formula sends a box of exactly 112, 224 or 448 up). They differ only within
// ~1e-6 relative below a boundary (mmdet adds its eps to s/56 inside log2, torchvision adds it to
// the level). apdet uses torchvision's formula there (documented in @apdet/ops fpn-levels.ts): the
// two band cases of the fixture show that deviation is real and which side we are on.
// Tolerance: levels exactly.
import * as tf from '@tensorflow/tfjs';
import { fpnLevelOfBox, mapRoisToLevels } from '@apdet/ops';
import { describe, expect, it } from 'vitest';
import { oracleCases } from './oracle.js';

interface LevelCase {
  name: string;
  boxes: number[][];
  torchvision: number[];
  mmdet: number[];
  mmdetDiffers: boolean[];
}

const [c] = oracleCases<LevelCase>('levels');
const OPTIONS = { minLevel: 2, maxLevel: 5, canonicalScale: 224, canonicalLevel: 4 };
const ours = c.boxes.map(([x1, y1, x2, y2]) => fpnLevelOfBox(x1, y1, x2, y2, OPTIONS));

describe('RoI level mapping (FPN eq. 1) at the bucket boundaries', () => {
  it('equals torchvision LevelMapper(2, 5) on every box', () => {
    expect(ours).toEqual(c.torchvision);
  });

  it('equals mmdet 2.1 map_roi_levels everywhere except the ~1e-6 band below a boundary', () => {
    const agree = c.boxes.map((_, i) => i).filter((i) => !c.mmdetDiffers[i]);
    expect(agree.length).toBe(14);
    expect(agree.map((i) => ours[i])).toEqual(agree.map((i) => c.mmdet[i]));
    // Exactly 112, 224, 448 (squares and the 56×224 / 448×112 rectangles) go up a level in both.
    expect([ours[2], ours[5], ours[8], ours[11], ours[12]]).toEqual([3, 4, 5, 3, 4]);
    expect([ours[1], ours[4], ours[7]]).toEqual([2, 3, 4]);
  });

  it('the band cases: mmdet maps them one level lower; we follow torchvision', () => {
    const band = c.boxes.map((_, i) => i).filter((i) => c.mmdetDiffers[i]);
    expect(band.length).toBe(2);
    for (const i of band) {
      expect(ours[i]).toBe(c.torchvision[i]);
      expect(c.mmdet[i]).toBe(ours[i] - 1);
    }
  });

  it('mapRoisToLevels gives the same levels from a [K,4] or [K,5] tensor; zero area goes to P2', () => {
    const boxes = tf.tensor2d(c.boxes, [c.boxes.length, 4], 'float32');
    const withBatch = tf.concat([tf.zeros([c.boxes.length, 1]), boxes], 1) as tf.Tensor2D;
    // float32 storage: the 1e-6 band collapses (112·(1 − 6e-7) rounds within an ulp of 112),
    // so only the non-band boxes are compared.
    const levels = Array.from(mapRoisToLevels(boxes, OPTIONS));
    const agree = c.boxes.map((_, i) => i).filter((i) => !c.mmdetDiffers[i]);
    expect(agree.map((i) => levels[i])).toEqual(agree.map((i) => c.torchvision[i]));
    expect(Array.from(mapRoisToLevels(withBatch, OPTIONS))).toEqual(levels);
    expect(levels[13]).toBe(2);
    tf.dispose([boxes, withBatch]);
  });
});
