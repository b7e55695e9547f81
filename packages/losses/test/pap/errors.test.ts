import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { isUserError } from '@apdet/io';
import { parameterizedApLoss, presetCtrlPoints, RETINANET_PRESET } from '../../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const l = () => tf.tensor1d([0.5, -1, 2]);
const u = () => tf.tensor1d([0.7, 0, 0]);
const t = () => tf.tensor1d([1, 0, -1], 'int32');
const retina = presetCtrlPoints(RETINANET_PRESET);

function userError(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a UserError');
}

describe('parameterizedApLoss input errors', () => {
  it('names shapes, options, targets and out-of-range IoUs', () => {
    userError(() => parameterizedApLoss(l(), tf.tensor1d([0, 0]), t(), { form: 'linear' }), /same shape/);
    userError(() => parameterizedApLoss(l(), u(), t(), { form: 'cubic' as never }), /unknown form 'cubic'/);
    userError(() => parameterizedApLoss(l(), u(), t(), { form: 'searched' }), /needs ctrlPoints/);
    userError(
      () => parameterizedApLoss(l(), u(), t(), { form: 'searched', ctrlPoints: retina.slice(0, 3) }),
      /4 or 5 rows/,
    );
    const bad = retina.map((r) => [...r]);
    bad[2][4] = 0.01;
    userError(
      () => parameterizedApLoss(l(), u(), t(), { form: 'searched', ctrlPoints: bad }),
      /ctrlPoints\[2\] \(I3\).*non-decreasing/,
    );
    userError(() => parameterizedApLoss(l(), u(), t(), { form: 'linear', topK: 0 }), /topK must be a positive integer/);
    userError(
      () => parameterizedApLoss(l(), u(), tf.tensor1d([1, 2, 0], 'int32'), { form: 'linear' }),
      /targets\[1\] = 2/,
    );
    userError(
      () => parameterizedApLoss(l(), tf.tensor1d([1.2, 0, 0]), t(), { form: 'searched', ctrlPoints: retina }),
      /ious\[0\] = 1.2.*outside \[0, 1\]/,
    );
  });
  it('NaN in a valid logit or IoU gives a NaN loss and NaN gradients (like the reference)', () => {
    const logits = tf.tensor1d([0.5, NaN, 2]);
    const [loss, grads] = [
      parameterizedApLoss(logits, u(), t(), { form: 'linear' }),
      tf.grad((x: tf.Tensor) => parameterizedApLoss(x, u(), t(), { form: 'linear' }))(logits),
    ];
    expect(Number.isNaN(loss.dataSync()[0])).toBe(true);
    expect(Number.isNaN(grads.dataSync()[0])).toBe(true);
    const ignoredNaN = parameterizedApLoss(tf.tensor1d([0.5, -1, NaN]), u(), t(), { form: 'linear' });
    expect(Number.isFinite(ignoredNaN.dataSync()[0])).toBe(true);
  });
  it('int32 targets of any shape and float targets both work; 2-D shapes keep their shape in gradients', () => {
    const logits = tf.tensor2d([
      [0.5, -1],
      [2, 0],
    ]);
    const ious = tf.tensor2d([
      [0.7, 0],
      [0, 0],
    ]);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      parameterizedApLoss(
        a,
        b,
        tf.tensor2d([
          [1, 0],
          [0, -1],
        ]),
        { form: 'searched', ctrlPoints: retina },
      ),
    )([logits, ious]);
    expect(g[0].shape).toEqual([2, 2]);
    expect(g[1].shape).toEqual([2, 2]);
  });
  it('the upstream gradient scales both gradients (chain rule), and nothing leaks', () => {
    for (const options of [{ form: 'linear' as const }, { form: 'sigmoid' as const }]) {
      const logits = tf.tensor1d([0.5, -1, 2, 0.1]);
      const ious = tf.tensor1d([0.7, 0, 0, 0.4]);
      const targets = tf.tensor1d([1, 0, -1, 1], 'int32');
      const before = tf.memory().numTensors;
      const f = (k: number) => (a: tf.Tensor, b: tf.Tensor) =>
        tf.mul(parameterizedApLoss(a, b, targets, options), k) as tf.Scalar;
      const g1 = tf.tidy(() =>
        tf
          .grads(f(1))([logits, ious])
          .map((g) => g.arraySync() as number[]),
      );
      const g3 = tf.tidy(() =>
        tf
          .grads(f(-2.5))([logits, ious])
          .map((g) => g.arraySync() as number[]),
      );
      g1.forEach((arr, a) => arr.forEach((v, i) => expect(g3[a][i]).toBeCloseTo(-2.5 * v, 6)));
      expect(g1[0].some((v) => v !== 0)).toBe(true);
      tf.tidy(() => {
        parameterizedApLoss(logits, ious, targets, options);
      });
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([logits, ious, targets]);
    }
  });
});
