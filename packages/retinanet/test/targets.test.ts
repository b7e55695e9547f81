import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@apdet/backend';
import { targetsFromLabels } from '@apdet/losses';
import { AnchorGenerator } from '@apdet/ops';
import { anchorTargets, batchTargets, classTargets, type TargetOptions } from '../src/index.js';

beforeAll(() => useBackend('cpu'));

const C = 3;
const options = (crowdIofThr = 0.5): TargetOptions => ({
  numClasses: C,
  assigner: { posIouThr: 0.5, negIouThr: 0.4, minPosIou: 0, matchLowQuality: true, crowdIofThr },
  stds: [0.1, 0.1, 0.2, 0.2],
});

// GT 0: [0, 0, 10, 10] class 2; GT 1: a small box [100, 100, 104, 104] class 0.
const gts = { boxes: [0, 0, 10, 10, 100, 100, 104, 104], labels: [2, 0] };
// Anchors, with their IoU to GT 0 (or their role):
const anchors = new Float32Array([
  0,
  0,
  10,
  10, //      0: IoU 1 → positive, class 2, zero deltas
  1,
  0,
  11,
  10, //      1: IoU 90/110 = 0.818 → positive, dx = (5 − 6)/10/0.1 = −1
  3.8,
  0,
  13.8,
  10, //  2: IoU 62/138 = 0.449 → ignore band (−1)
  5.4,
  0,
  15.4,
  10, //  3: IoU 46/154 = 0.299 → negative (C)
  50,
  50,
  60,
  60, //    4: IoU 0 → negative
  0,
  0,
  10,
  10, //      5: IoU 1 but padding (valid flag 0) → ignored
  98,
  98,
  108,
  108, //  6: IoU 0.16 with GT 1, its best anchor → low-quality positive, class 0
  205,
  205,
  215,
  215, //7: inside the crowd region → ignored (IoF 1 > 0.5)
]);
const valid = new Uint8Array([1, 1, 1, 1, 1, 0, 1, 1]);
const crowdBoxes = [200, 200, 260, 260];

describe('RetinaNet targets', () => {
  it('assigns positives, the ignore band, negatives, padding, low-quality matches and crowd', () => {
    const t = anchorTargets(anchors, valid, { ...gts, crowdBoxes, validShape: [300, 300] }, options());
    expect(Array.from(t.labels)).toEqual([2, 2, -1, C, C, -1, 0, -1]);
    expect(t.numPositives).toBe(3);
    expect(Array.from(t.deltas.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    const d1 = Array.from(t.deltas.subarray(4, 8));
    expect(d1[0]).toBeCloseTo(-1, 5);
    expect(d1.slice(1)).toEqual([0, 0, 0]);
    // GT 1 vs anchor 6: centre offset 0 (both centred at 102/103?) → check against the coder formula.
    const [ax, gx] = [(98 + 108) / 2, (100 + 104) / 2];
    expect(t.deltas[24]).toBeCloseTo((gx - ax) / 10 / 0.1, 5);
    expect(t.deltas[26]).toBeCloseTo(Math.log(4 / 10) / 0.2, 5);
    expect(Array.from(t.matchedBoxes.subarray(24, 28))).toEqual([100, 100, 104, 104]);
    // Non-positive rows stay zero (finite, as the loss registry requires).
    expect(Array.from(t.deltas.subarray(8, 24))).toEqual(Array(16).fill(0));
  });

  it('with crowd handling off, crowd-covered anchors are plain negatives (mmdet ignore_iof_thr = −1)', () => {
    const t = anchorTargets(anchors, valid, { ...gts, crowdBoxes, validShape: [300, 300] }, options(-1));
    expect(t.labels[7]).toBe(C);
  });

  it('drops zero-area GTs instead of letting them claim every anchor', () => {
    const t = anchorTargets(
      anchors,
      valid,
      { boxes: [...gts.boxes, 30, 30, 30, 40], labels: [...gts.labels, 1], validShape: [300, 300] },
      options(),
    );
    expect(Array.from(t.labels)).toEqual([2, 2, -1, C, C, -1, 0, C]);
  });

  it('an image without GTs has only negatives and ignored anchors', () => {
    const t = anchorTargets(anchors, valid, { boxes: [], labels: [], validShape: [300, 300] }, options());
    expect(Array.from(t.labels)).toEqual([C, C, C, C, C, -1, C, C]);
    expect(t.numPositives).toBe(0);
  });

  it('rejects labels outside [0, C)', () => {
    expect(() =>
      anchorTargets(anchors, valid, { boxes: [0, 0, 5, 5], labels: [3], validShape: [300, 300] }, options()),
    ).toThrow(/label 3, expected an integer in \[0, 3\)/);
  });

  it('ignores anchors of padded locations per image of a batch', () => {
    const gen = new AnchorGenerator({ strides: [8], ratios: [1], scales: [4] });
    const sizes = gen.featureSizes(32, 32);
    const set = { featureSizes: sizes, ...gen.gridAnchors(sizes) };
    const full = { boxes: [], labels: [], validShape: [32, 32] as const };
    const half = { boxes: [], labels: [], validShape: [16, 32] as const }; // rows y ≥ 2 are padding
    const b = batchTargets(gen, set, [full, half], options());
    expect(b.labels.length).toBe(32);
    expect(Array.from(b.labels.subarray(0, 16))).toEqual(Array(16).fill(C));
    expect(Array.from(b.labels.subarray(16))).toEqual([...Array(8).fill(C), ...Array(8).fill(-1)]);
  });

  it('per-(anchor, class) targets are −1/0/1 and equal the loss registry’s', () => {
    const labels = new Int32Array([2, C, -1, 0]);
    const expected = [0, 0, 1, 0, 0, 0, -1, -1, -1, 1, 0, 0];
    expect(Array.from(classTargets(labels, C))).toEqual(expected);
    const fromRegistry = tf.tidy(() => targetsFromLabels(tf.tensor1d(labels, 'int32'), C).dataSync());
    expect(Array.from(fromRegistry)).toEqual(expected);
  });
});
