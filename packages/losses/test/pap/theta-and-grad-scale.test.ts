import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  PAP_PRESETS,
  ctrlPointsToTheta,
  gradScale,
  gradScaleFromTheta,
  thetaFromGradScale,
  thetaToCtrlPoints,
} from '../../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('θ ↔ control points (O17)', () => {
  it('the initial policy mean gives the identity function', () => {
    const ctrl = thetaToCtrlPoints([0.2, 0.2, 0.25, 0.25, 0.3333, 0.3333, 0.5, 0.5]);
    const expected = [0, 0, 0.2, 0.2, 0.4, 0.4, 0.59998, 0.59998, 0.79999, 0.79999, 1, 1];
    expected.forEach((v, i) => expect(ctrl[i]).toBeCloseTo(v, 10));
  });
  it('convert(inverse(ctrl)) = ctrl for every released row', () => {
    for (const preset of Object.values(PAP_PRESETS)) {
      for (const row of preset.ctrlPoints) {
        const back = thetaToCtrlPoints(ctrlPointsToTheta(row));
        row.forEach((v, i) => expect(back[i]).toBeCloseTo(v, 12));
      }
    }
  });
  it('θ of 4 and 12 numbers give 8- and 16-number rows; θ = 0 or 1 still gives valid rows', () => {
    expect(thetaToCtrlPoints([0.5, 0.5, 0.5, 0.5])).toEqual([0, 0, 0.5, 0.5, 0.75, 0.75, 1, 1]);
    expect(thetaToCtrlPoints(new Array(12).fill(0.1))).toHaveLength(16);
    expect(thetaToCtrlPoints([0, 0.3, 1, 1, 0, 0, 0.2, 0.2])).toEqual([0, 0, 0, 0.3, 1, 1, 1, 1, 1, 1, 1, 1]);
  });
  it('rejects θ outside [0, 1] and wrong lengths', () => {
    expect(() => thetaToCtrlPoints([0.5, 1.5, 0.5, 0.5])).toThrow(/theta\[1\] = 1.5/);
    expect(() => thetaToCtrlPoints([0.5, 0.5])).toThrow(/4, 8 or 12/);
  });
});

describe('gradient scale (O18)', () => {
  it('w = 10^(2θ − 1): 0.5 → 1, 0 → 0.1, 1 → 10; the presets’ θ are the documented ones', () => {
    expect(gradScaleFromTheta(0.5)).toBe(1);
    expect(gradScaleFromTheta(0)).toBeCloseTo(0.1, 15);
    expect(gradScaleFromTheta(1)).toBe(10);
    expect(thetaFromGradScale(PAP_PRESETS.retinanet.gradScale)).toBeCloseTo(0.8076, 4);
    expect(thetaFromGradScale(PAP_PRESETS['faster-rcnn-rpn'].gradScale)).toBeCloseTo(0.6146, 4);
    expect(thetaFromGradScale(PAP_PRESETS['faster-rcnn-roi'].gradScale)).toBeCloseTo(0.9266, 4);
  });
  it('GradScale is the identity forward and multiplies only its branch’s gradient by w', () => {
    const cls = tf.tensor1d([0.3, -1.2]);
    const box = tf.tensor1d([2, 0.5]);
    const loss = (c: tf.Tensor, b: tf.Tensor, w: number) =>
      tf.add(tf.sum(tf.square(c)), tf.sum(tf.mul(tf.square(gradScale(b, w)), b))) as tf.Scalar;
    expect(gradScale(box, 4.1231).arraySync()).toEqual([2, 0.5]);
    const [gc1, gb1] = tf.grads((c: tf.Tensor, b: tf.Tensor) => loss(c, b, 1))([cls, box]);
    const [gcw, gbw] = tf.grads((c: tf.Tensor, b: tf.Tensor) => loss(c, b, 4.1231))([cls, box]);
    expect(loss(cls, box, 4.1231).dataSync()[0]).toBeCloseTo(loss(cls, box, 1).dataSync()[0], 6);
    expect(gcw.arraySync()).toEqual(gc1.arraySync());
    // d/db [b²·b] = 2b·b (through GradScale, scaled) + b² (direct path, unscaled)
    const b = [2, 0.5];
    (gbw.arraySync() as number[]).forEach((g, i) => expect(g).toBeCloseTo(4.1231 * 2 * b[i] * b[i] + b[i] * b[i], 4));
    (gb1.arraySync() as number[]).forEach((g, i) => expect(g).toBeCloseTo(3 * b[i] * b[i], 5));
  });
});
