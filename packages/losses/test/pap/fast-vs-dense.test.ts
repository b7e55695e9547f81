import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  FASTER_RCNN_RPN_PRESET,
  parameterizedApLoss,
  parameterizedApLossDense,
  presetCtrlPoints,
  thetaToCtrlPoints,
  type PapLossOptions,
} from '../../src/index.js';
import { Rng } from '@apdet/rng';
import { lossAndGrads, randomProblem, scalarError, scaledError } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Random searched rows from random θ (values snapped to float32). */
function randomCtrl(seed: number, rows: number, thetaLength: 4 | 8 | 12): number[][] {
  const rand = Rng.from(seed);
  return Array.from({ length: rows }, () =>
    thetaToCtrlPoints(Array.from({ length: thetaLength }, () => rand.next())).map(Math.fround),
  );
}

function compare(p: ReturnType<typeof randomProblem>, options: PapLossOptions, tol = 1e-5): void {
  const l = tf.tensor(p.logits);
  const u = tf.tensor(p.ious);
  const t = tf.tensor(p.targets, undefined, 'int32');
  const fast = lossAndGrads((a, b) => parameterizedApLoss(a, b, t, options), l, u);
  const dense = lossAndGrads((a, b) => parameterizedApLossDense(a, b, t, options), l, u);
  expect(scalarError(fast.loss, dense.loss)).toBeLessThanOrEqual(tol);
  expect(scaledError(fast.gradLogits, dense.gradLogits)).toBeLessThanOrEqual(tol);
  expect(scaledError(fast.gradIous, dense.gradIous)).toBeLessThanOrEqual(tol);
  tf.dispose([l, u, t]);
}

/** Logits on a 1/8 grid: many ties, |Δ| = 1 exactly and Δ/2 + 0.5 on 0.25-knots. */
function gridProblem(n: number, seed: number) {
  const p = randomProblem(n, seed, { spread: 1 });
  p.logits.forEach((v, i) => (p.logits[i] = Math.round(v * 8) / 8));
  p.ious.forEach((v, i) => (p.ious[i] = p.targets[i] === 1 ? Math.round(v * 8) / 8 : 0));
  return p;
}

const KNOT_CTRL = [0, 0, 0.25, 0.1, 0.5, 0.3, 0.75, 0.8, 0.875, 0.9, 1, 1];

describe('fast path = dense reference on random problems', () => {
  for (const form of ['linear', 'square', 'sigmoid'] as const) {
    it(`${form}: random, ties on a grid, and top-K applied`, () => {
      compare(randomProblem(400, 1), { form });
      compare(gridProblem(300, 2), { form });
      compare(randomProblem(600, 3), { form, topK: 97 });
    });
  }
  for (const [rows, thetaLength] of [
    [5, 4],
    [5, 8],
    [5, 12],
    [4, 8],
    [4, 12],
  ] as const) {
    it(`searched ${rows} rows × ${thetaLength + 4} numbers from random θ`, () => {
      for (let seed = 0; seed < 3; seed++) {
        const options = { form: 'searched' as const, ctrlPoints: randomCtrl(seed + 10 * rows, rows, thetaLength) };
        compare(randomProblem(300, seed), options);
        compare(gridProblem(200, seed + 50), options);
        compare(randomProblem(500, seed + 90), { ...options, topK: 123 });
      }
    });
  }
  it('searched: knots at grid values, repeated knots (x1 = 0, x = 1 early), released preset', () => {
    const jumpAtZero = thetaToCtrlPoints([0, 0.3, 0.5, 0.5, 0.4, 0.2, 0.5, 0.5]).map(Math.fround);
    const saturating = thetaToCtrlPoints([0.4, 0.3, 1, 0.5, 0.4, 0.2, 0.5, 0.5]).map(Math.fround);
    const middleRepeat = thetaToCtrlPoints([0.5, 0.3, 0, 0.5, 0.4, 0.2, 0.5, 0.5]).map(Math.fround);
    for (const ctrl of [KNOT_CTRL, jumpAtZero, saturating, middleRepeat]) {
      const options = { form: 'searched' as const, ctrlPoints: [ctrl, KNOT_CTRL, jumpAtZero, middleRepeat, ctrl] };
      compare(gridProblem(250, 7), options);
      compare(randomProblem(250, 8), options);
    }
    compare(gridProblem(300, 9), { form: 'searched', ctrlPoints: presetCtrlPoints(FASTER_RCNN_RPN_PRESET) });
  });
  it('2-D inputs with all pairs positive, and a single valid pair', () => {
    const p = randomProblem(60, 4, { posRate: 1, ignoreRate: 0 });
    compare(p, { form: 'searched', ctrlPoints: [KNOT_CTRL, KNOT_CTRL, KNOT_CTRL, KNOT_CTRL, KNOT_CTRL] });
    const one = { logits: Float32Array.of(0.2, 3), ious: Float32Array.of(0.4, 0), targets: Int32Array.of(1, -1) };
    compare(one, { form: 'square' });
  });
});
