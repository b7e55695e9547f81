import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  RETINANET_PRESET,
  evaluateCtrlPoints,
  evaluatePiecewiseLinear,
  piecewiseLinearSlope,
  piecewiseLinearTensor,
  segmentIndex,
  toPiecewiseLinear,
  validateCtrlPoints,
} from '../../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const H2 = RETINANET_PRESET.ctrlPoints[0];
const JUMP_AT_ZERO = [0, 0, 0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1, 1];

describe('piecewise-linear functions (official _linear)', () => {
  it('O13: value at interior knots is the knot y (RetinaNet H2)', () => {
    const knots = [0.4182, 0.4948, 0.6882, 0.802];
    const ys = [0.0277, 0.2187, 0.2624, 0.6688];
    knots.forEach((x, i) => expect(evaluateCtrlPoints(H2, x)).toBeCloseTo(ys[i], 12));
  });
  it('O14: x == 0 uses the first segment that does not start at a repeated 0', () => {
    expect(evaluateCtrlPoints(JUMP_AT_ZERO, 0)).toBeCloseTo(0.3, 15);
    expect(segmentIndex(toPiecewiseLinear(JUMP_AT_ZERO), 0)).toBe(1);
  });
  it('the slope at an interior knot is the left segment’s', () => {
    const f = toPiecewiseLinear(H2);
    const left = (0.2187 - 0.0277) / (0.4948 - 0.4182);
    const right = (0.2624 - 0.2187) / (0.6882 - 0.4948);
    expect(piecewiseLinearSlope(f, 0.4948)).toBeCloseTo(left, 10);
    expect(piecewiseLinearSlope(f, 0.49480001)).toBeCloseTo(right, 10);
    expect(piecewiseLinearSlope(f, 1)).toBeCloseTo((1 - 0.6688) / (1 - 0.802), 10);
    expect(piecewiseLinearSlope(f, 0)).toBeCloseTo(0.0277 / 0.4182, 10);
  });
  it('accepts 8, 12 and 16 numbers and evaluates the midpoint linearly', () => {
    for (const ctrl of [
      [0, 0, 0.5, 0.2, 0.8, 0.9, 1, 1],
      [0, 0, 0.1, 0.1, 0.3, 0.4, 0.5, 0.5, 0.7, 0.8, 1, 1],
      [0, 0, 0.1, 0.1, 0.2, 0.3, 0.3, 0.35, 0.5, 0.5, 0.6, 0.7, 0.7, 0.8, 1, 1],
    ]) {
      const f = toPiecewiseLinear(ctrl);
      const [x0, y0, x1, y1] = ctrl.slice(2, 6);
      expect(evaluatePiecewiseLinear(f, (x0 + x1) / 2)).toBeCloseTo((y0 + y1) / 2, 12);
    }
  });
  it('rejects bad control points with errors that say what is wrong', () => {
    expect(() => validateCtrlPoints([0, 0, 1, 1])).toThrow(/8, 12 or 16 numbers.*got 4/);
    expect(() => validateCtrlPoints([0.1, 0, 0.5, 0.5, 0.7, 0.7, 1, 1])).toThrow(/first x must be 0/);
    expect(() => validateCtrlPoints([0, 0, 0.5, 0.5, 0.7, 0.7, 0.9, 1])).toThrow(/last x must be 1/);
    expect(() => validateCtrlPoints([0, 0, 0.5, 0.5, 0.4, 0.7, 1, 1])).toThrow(/x must be non-decreasing.*point 2/);
    expect(() => validateCtrlPoints([0, 0, 0.5, 0.5, 0.6, 0.4, 1, 1])).toThrow(/y must be non-decreasing/);
    expect(() => validateCtrlPoints([0, 0, 0.5, 0.5, 0.6, 0.7, 1, 1.2])).toThrow(/outside \[0, 1\]/);
    expect(() => validateCtrlPoints([0, 0, 0.5, NaN, 0.6, 0.7, 1, 1])).toThrow(/ctrlPoints\[3\].*finite/);
    expect(() => validateCtrlPoints([0, 0, 0.5, 0.5, 0.6, 0.7, 1, 1], 'H2 row')).not.toThrow();
    expect(() => evaluateCtrlPoints(H2, 1.5)).toThrow(RangeError);
  });
  it('the tensor op matches the host evaluator in value and gradient, knots and 0 included', () => {
    // float32 control points, as the tensor op sees them
    for (const ctrl of [H2, JUMP_AT_ZERO, [0, 0, 0.25, 0.1, 0.25, 0.5, 1, 1]]) {
      const f = toPiecewiseLinear(ctrl.map(Math.fround));
      const xs = [0, 1, ...Array.from(f.xs), ...Array.from({ length: 41 }, (_, i) => i / 40)].map(Math.fround);
      const x = tf.tensor1d(xs);
      const y = piecewiseLinearTensor(x, f).dataSync();
      const g = tf
        .grad((t: tf.Tensor) => tf.sum(piecewiseLinearTensor(t, f)))(x)
        .dataSync();
      xs.forEach((v, i) => {
        expect(y[i]).toBeCloseTo(evaluatePiecewiseLinear(f, v), 6);
        expect(g[i]).toBeCloseTo(piecewiseLinearSlope(f, v), 5);
      });
      x.dispose();
    }
  });
});
