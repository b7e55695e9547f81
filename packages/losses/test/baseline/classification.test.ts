// Focal loss, sigmoid and softmax cross-entropy: forward and gradient vs float64 references
// and finite differences, on cpu and wasm.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@apdet/rng';
import { sigmoidCrossEntropy, sigmoidFocalLoss, softmaxCrossEntropy } from '../../src/baseline/index.js';
import { BACKENDS, checkScalarLoss, useBackend } from './harness.js';
import { bceRef, f32, focalRef, softmaxCeRef } from './reference.js';

const random = Rng.from(7);
const N = 6;
const C = 5;
const logits = f32(Array.from({ length: N * C }, () => (random.next() - 0.5) * 8));
const binary = Array.from({ length: N * C }, () => (random.next() < 0.3 ? 1 : 0));
const soft = f32(Array.from({ length: N * C }, () => random.next()));
const weights = f32(Array.from({ length: N * C }, () => random.next() * 2 - 0.5));
const weightedSum = (values: number[]) => values.reduce((s, v, i) => s + v * weights[i], 0);

describe.each(BACKENDS)('classification losses on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  const focalSettings = [
    { alpha: 0.25, gamma: 2 },
    { alpha: -1, gamma: 2 },
    { alpha: 0.5, gamma: 0 },
    { alpha: 0.75, gamma: 1.5 },
    { alpha: 0.25, gamma: 0.5 },
  ];
  for (const { alpha, gamma } of focalSettings) {
    for (const [kind, targets] of [
      ['binary', binary],
      ['soft', soft],
    ] as const) {
      it(`sigmoidFocalLoss α=${alpha} γ=${gamma}, ${kind} targets`, () => {
        const t = tf.tensor2d(targets, [N, C]);
        const w = tf.tensor2d(weights, [N, C]);
        checkScalarLoss({
          label: `focal ${kind} α=${alpha} γ=${gamma}`,
          input: logits,
          shape: [N, C],
          loss: (x) => tf.sum(tf.mul(sigmoidFocalLoss(x, t, { alpha, gamma }), w)) as tf.Scalar,
          reference: (x) => weightedSum(x.map((v, i) => focalRef(v, targets[i], alpha, gamma))),
          fdStep: 1e-2,
        });
        tf.dispose([t, w]);
      });
    }
  }

  it('sigmoidFocalLoss reductions: mean = sum / elements, weights zero out elements', () => {
    const x = tf.tensor2d(logits, [N, C]);
    const t = tf.tensor2d(binary, [N, C]);
    const none = sigmoidFocalLoss(x, t).dataSync();
    const sum = sigmoidFocalLoss(x, t, { reduction: 'sum' }).dataSync()[0];
    const mean = sigmoidFocalLoss(x, t, { reduction: 'mean' }).dataSync()[0];
    const total = Array.from(none).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(total, 4);
    expect(mean).toBeCloseTo(total / (N * C), 5);
    const firstRowOnly = tf.tensor2d([1, 0, 0, 0, 0, 0], [N, 1]);
    const kept = sigmoidFocalLoss(x, t, { reduction: 'sum', weights: firstRowOnly }).dataSync()[0];
    expect(kept).toBeCloseTo(
      Array.from(none.slice(0, C)).reduce((a, b) => a + b, 0),
      5,
    );
    tf.dispose([x, t, firstRowOnly]);
  });

  it('sigmoidFocalLoss rejects bad options and shapes', () => {
    const x = tf.zeros([2, 3]);
    expect(() => sigmoidFocalLoss(x, tf.zeros([2, 3]), { gamma: -1 })).toThrow(/gamma/);
    expect(() => sigmoidFocalLoss(x, tf.zeros([2, 3]), { alpha: 2 })).toThrow(/alpha/);
    expect(() => sigmoidFocalLoss(x, tf.zeros([3, 2]))).toThrow(/shapes differ/);
    expect(() => sigmoidFocalLoss(x, tf.zeros([2, 3]), { reduction: 'avg' as never })).toThrow(/reduction/);
  });

  it('sigmoidCrossEntropy equals its float64 reference (value and gradient)', () => {
    for (const [kind, targets] of [
      ['binary', binary],
      ['soft', soft],
    ] as const) {
      const t = tf.tensor2d(targets, [N, C]);
      const w = tf.tensor2d(weights, [N, C]);
      checkScalarLoss({
        label: `bce ${kind}`,
        input: logits,
        shape: [N, C],
        loss: (x) => sigmoidCrossEntropy(x, t, { weights: w, reduction: 'sum' }) as tf.Scalar,
        reference: (x) => weightedSum(x.map((v, i) => bceRef(v, targets[i]))),
        fdStep: 1e-2,
      });
      tf.dispose([t, w]);
    }
  });

  it('sigmoidCrossEntropy is finite for |logit| up to 1e4', () => {
    const x = tf.tensor1d([-1e4, -100, 100, 1e4]);
    const t = tf.tensor1d([1, 0, 1, 0]);
    const loss = sigmoidCrossEntropy(x, t, { reduction: 'none' }).dataSync();
    expect(Array.from(loss)).toEqual([1e4, 0, 0, 1e4].map((v) => expect.closeTo(v, 3)));
    const g = tf
      .grad((l: tf.Tensor) => sigmoidCrossEntropy(l, t, { reduction: 'sum' }) as tf.Scalar)(x)
      .dataSync();
    expect(Array.from(g)).toEqual([-1, 0, 0, 1].map((v) => expect.closeTo(v, 6)));
  });

  // Softmax CE over K = 4 classes with ignored rows (−1) and class weights (DETR's eos_coef style).
  const K = 4;
  const labels = [0, 3, -1, 2, 1, 3];
  const classWeights = [1, 1, 1, 0.1];
  const logitsK = f32(Array.from({ length: N * K }, () => (random.next() - 0.5) * 6));
  const rowsOf = (x: number[]) => Array.from({ length: N }, (_, i) => x.slice(i * K, (i + 1) * K));
  for (const reduction of ['mean', 'sum'] as const) {
    for (const weighted of [false, true]) {
      it(`softmaxCrossEntropy ${reduction}${weighted ? ' with class weights' : ''}, ignored rows`, () => {
        const y = tf.tensor1d(labels, 'int32');
        const opts = { reduction, ...(weighted ? { classWeights } : {}) };
        checkScalarLoss({
          label: `softmax ce ${reduction} ${weighted}`,
          input: logitsK,
          shape: [N, K],
          loss: (x) => softmaxCrossEntropy(x as tf.Tensor2D, y, opts) as tf.Scalar,
          reference: (x) => {
            let num = 0;
            let den = 0;
            rowsOf(x).forEach((row, i) => {
              const label = labels[i];
              if (label < 0) return;
              const w = weighted ? classWeights[label] : 1;
              num += w * softmaxCeRef(row, label);
              den += w;
            });
            return reduction === 'sum' ? num : num / den;
          },
          fdStep: 1e-2,
        });
        y.dispose();
      });
    }
  }

  it('softmaxCrossEntropy: all rows ignored gives 0 (not NaN) with zero gradient', () => {
    const x = tf.randomNormal([3, 4]);
    const y = tf.tensor1d([-1, -1, -1], 'int32');
    expect(softmaxCrossEntropy(x as tf.Tensor2D, y).dataSync()[0]).toBe(0);
    const g = tf
      .grad((l: tf.Tensor) => softmaxCrossEntropy(l as tf.Tensor2D, y) as tf.Scalar)(x)
      .dataSync();
    expect(Array.from(g).every((v) => v === 0)).toBe(true);
    expect(() => softmaxCrossEntropy(x as tf.Tensor2D, tf.tensor1d([0, 1], 'int32'))).toThrow(/labels must be \[3\]/);
  });
});
