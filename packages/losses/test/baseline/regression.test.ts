// L1 and smooth-L1: forward and gradient vs float64 references and finite differences, on cpu
// and wasm. Differences are kept ≥ 0.05 away from the kinks (0 and ±β) so finite differences
// are valid.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@apdet/rng';
import { l1Loss, smoothL1Loss } from '../../src/baseline/index.js';
import { BACKENDS, checkScalarLoss, useBackend } from './harness.js';
import { f32, smoothL1Ref } from './reference.js';

const random = Rng.from(11);
const SHAPE = [8, 4];
const SIZE = 32;
const BETAS = [1, 1 / 9, 0.5];

/** Differences d = pred − target whose |d| stays ≥ 0.05 from 0 and from every β tested. */
function safeDifferences(): number[] {
  const out: number[] = [];
  while (out.length < SIZE) {
    const d = (random.next() - 0.5) * 4;
    const a = Math.abs(d);
    if (a > 0.05 && BETAS.every((b) => Math.abs(a - b) > 0.05)) out.push(d);
  }
  return out;
}
const target = f32(Array.from({ length: SIZE }, () => (random.next() - 0.5) * 10));
const pred = f32(safeDifferences().map((d, i) => target[i] + d));
const weights = f32(Array.from({ length: SIZE }, () => random.next()));
const weightedSum = (v: number[]) => v.reduce((s, x, i) => s + x * weights[i], 0);

describe.each(BACKENDS)('regression losses on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('l1Loss value and gradient (w.r.t. pred and target)', () => {
    const t = tf.tensor2d(target, SHAPE as [number, number]);
    const p = tf.tensor2d(pred, SHAPE as [number, number]);
    const w = tf.tensor2d(weights, SHAPE as [number, number]);
    checkScalarLoss({
      label: 'l1 d/dpred',
      input: pred,
      shape: SHAPE,
      loss: (x) => l1Loss(x, t, { weights: w, reduction: 'sum' }) as tf.Scalar,
      reference: (x) => weightedSum(x.map((v, i) => Math.abs(v - target[i]))),
      fdStep: 1e-2,
    });
    checkScalarLoss({
      label: 'l1 d/dtarget',
      input: target,
      shape: SHAPE,
      loss: (x) => l1Loss(p, x, { reduction: 'mean' }) as tf.Scalar,
      reference: (x) => x.reduce((s, v, i) => s + Math.abs(pred[i] - v), 0) / SIZE,
      fdStep: 1e-2,
    });
    tf.dispose([t, p, w]);
  });

  for (const beta of BETAS) {
    it(`smoothL1Loss β=${beta.toFixed(4)} value and gradient`, () => {
      const t = tf.tensor2d(target, SHAPE as [number, number]);
      const w = tf.tensor2d(weights, SHAPE as [number, number]);
      checkScalarLoss({
        label: `smooth-l1 β=${beta}`,
        input: pred,
        shape: SHAPE,
        loss: (x) => smoothL1Loss(x, t, beta, { weights: w, reduction: 'sum' }) as tf.Scalar,
        reference: (x) => weightedSum(x.map((v, i) => smoothL1Ref(v - target[i], beta))),
        fdStep: 1e-3,
      });
      tf.dispose([t, w]);
    });
  }

  it('smoothL1Loss with β = 0 is exactly L1; both quadratic and linear regimes occur in the data', () => {
    const t = tf.tensor1d(target);
    const p = tf.tensor1d(pred);
    expect(Array.from(smoothL1Loss(p, t, 0, { reduction: 'none' }).dataSync())).toEqual(
      Array.from(l1Loss(p, t, { reduction: 'none' }).dataSync()),
    );
    const diffs = pred.map((v, i) => Math.abs(v - target[i]));
    expect(diffs.some((d) => d < 1) && diffs.some((d) => d > 1)).toBe(true);
    // Continuity at the kink: value at |d| = β is β/2 from both formulas.
    const atKink = smoothL1Loss(tf.tensor1d([0.5, -0.5]), tf.zeros([2]), 0.5, { reduction: 'none' }).dataSync();
    expect(Array.from(atKink)).toEqual([0.25, 0.25]);
    expect(() => smoothL1Loss(p, t, -1)).toThrow(/beta/);
  });
});
