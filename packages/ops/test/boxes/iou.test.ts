import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@apdet/rng';
import {
  alignedBoxIou,
  alignedGeneralizedBoxIou,
  boxIou,
  boxIouTyped,
  boxIofTyped,
  generalizedBoxIou,
  generalizedBoxIouTyped,
} from '../../src/index.js';
import { BACKENDS, loadCase, maxRelError, randomBoxes, toF32Values, useBackend, type OracleTensor } from './helpers.js';

const CASES = [
  { name: 'box_iou_basic', out: 'iou', tensorFn: boxIou, typedFn: boxIouTyped },
  { name: 'box_iou_edge', out: 'iou', tensorFn: boxIou, typedFn: boxIouTyped },
  { name: 'giou_basic', out: 'giou', tensorFn: generalizedBoxIou, typedFn: generalizedBoxIouTyped },
  { name: 'giou_edge', out: 'giou', tensorFn: generalizedBoxIou, typedFn: generalizedBoxIouTyped },
];

const tensor2d = (t: OracleTensor) => tf.tensor2d(t.data, t.shape as [number, number]);

describe('typed-array IoU/GIoU vs torchvision float64 oracle', () => {
  it.each(CASES)('$name matches to 1e-12 relative', ({ name, out, typedFn }) => {
    const c = loadCase(name);
    const got = typedFn(c.inputs.boxes1.data, c.inputs.boxes2.data);
    expect(maxRelError(got, (c.outputs[out] as OracleTensor).data, 1e-12)).toBeLessThan(1e-12);
  });
});

describe.each(BACKENDS)('tensor IoU/GIoU on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(CASES)('$name matches the float32 and float64 oracle to 1e-5 relative', ({ name, out, tensorFn }) => {
    const c = loadCase(name);
    const got = tf.tidy(() => tensorFn(tensor2d(c.inputs.boxes1), tensor2d(c.inputs.boxes2)).dataSync());
    expect(maxRelError(got, (c.outputs[`${out}_float32`] as OracleTensor).data)).toBeLessThan(1e-5);
    expect(maxRelError(got, (c.outputs[out] as OracleTensor).data)).toBeLessThan(1e-5);
  });

  it.each([
    ['boxIou', boxIou, boxIouTyped],
    ['generalizedBoxIou', generalizedBoxIou, generalizedBoxIouTyped],
  ] as const)('%s gradients match float64 central differences', (_n, tensorFn, typedFn) => {
    const rng = Rng.from(7);
    const a = toF32Values(randomBoxes(5, rng, 20));
    const b = toF32Values(randomBoxes(4, rng, 20));
    const w = Float64Array.from({ length: 20 }, () => rng.uniform(-0.5, 0.5));
    const [ga, gb] = tf.tidy(() => {
      const f = (x: tf.Tensor2D, y: tf.Tensor2D) =>
        tensorFn(x, y)
          .mul(tf.tensor2d(Float32Array.from(w), [5, 4]))
          .sum();
      return tf
        .grads(f as (...t: tf.Tensor[]) => tf.Scalar)([
          tf.tensor2d(Float32Array.from(a), [5, 4]),
          tf.tensor2d(Float32Array.from(b), [4, 4]),
        ])
        .map((g) => g.dataSync());
    });
    const objective = (x: Float64Array, y: Float64Array) => typedFn(x, y).reduce((s, v, k) => s + v * w[k], 0);
    const fd = (which: 'a' | 'b') => {
      const base = which === 'a' ? a : b;
      return Float64Array.from(base, (_v, k) => {
        const h = 1e-6;
        const plus = base.slice();
        plus[k] += h;
        const minus = base.slice();
        minus[k] -= h;
        const fp = which === 'a' ? objective(plus, b) : objective(a, plus);
        const fm = which === 'a' ? objective(minus, b) : objective(a, minus);
        return (fp - fm) / (2 * h);
      });
    };
    // float32 forward on values of order 1 and a 1e-6 step: absolute tolerance 2e-5 on gradients of order 0.1.
    expect(maxRelError(ga, fd('a'), 1)).toBeLessThan(2e-5);
    expect(maxRelError(gb, fd('b'), 1)).toBeLessThan(2e-5);
  });
});

/** Independent scalar float64 reference of docs/spec/paper-spec.md §9.4. */
function papGiouRef(p: ArrayLike<number>, g: ArrayLike<number>, eps = 1e-7): { iou: number; giou: number } {
  const overlap =
    Math.max(0, Math.min(p[2], g[2]) - Math.max(p[0], g[0])) * Math.max(0, Math.min(p[3], g[3]) - Math.max(p[1], g[1]));
  const union = (p[2] - p[0]) * (p[3] - p[1]) + (g[2] - g[0]) * (g[3] - g[1]) - overlap + eps;
  const enclose =
    Math.max(0, Math.max(p[2], g[2]) - Math.min(p[0], g[0])) *
      Math.max(0, Math.max(p[3], g[3]) - Math.min(p[1], g[1])) +
    eps;
  return { iou: overlap / union, giou: overlap / union - (enclose - union) / enclose };
}

describe.each(BACKENDS)('aligned PAP GIoU (§9.4) on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('matches the scalar float64 reference, including identical boxes (u < 1)', () => {
    const rng = Rng.from(11);
    const a = toF32Values(randomBoxes(12, rng, 3));
    const b = toF32Values(randomBoxes(12, rng, 3));
    b.set(a.subarray(0, 4), 0); // identical pair: GIoU = A/(A+eps)
    const [iou, giou] = tf.tidy(() => {
      const ta = tf.tensor2d(Float32Array.from(a), [12, 4]);
      const tb = tf.tensor2d(Float32Array.from(b), [12, 4]);
      return [alignedBoxIou(ta, tb).dataSync(), alignedGeneralizedBoxIou(ta, tb).dataSync()];
    });
    const ref = Array.from({ length: 12 }, (_, k) =>
      papGiouRef(a.subarray(4 * k, 4 * k + 4), b.subarray(4 * k, 4 * k + 4)),
    );
    expect(
      maxRelError(
        iou,
        ref.map((r) => r.iou),
      ),
    ).toBeLessThan(1e-5);
    // GIoU is a difference of two ratios ≤ 1, so its float32 error is absolute (a few ulp(1)) and
    // a relative check fails near GIoU = 0: floor 0.1 allows 1e-6 there.
    expect(
      maxRelError(
        giou,
        ref.map((r) => r.giou),
        0.1,
      ),
    ).toBeLessThan(1e-5);
    const area = (a[2] - a[0]) * (a[3] - a[1]);
    expect(ref[0].giou).toBeCloseTo(area / (area + 1e-7), 15);
    expect(ref[0].giou).toBeLessThan(1);
  });

  it('aligned GIoU gradient matches central differences of the reference', () => {
    const rng = Rng.from(12);
    const a = toF32Values(randomBoxes(6, rng, 2));
    const b = toF32Values(randomBoxes(6, rng, 2));
    const g = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) =>
          alignedGeneralizedBoxIou(x as tf.Tensor2D, tf.tensor2d(Float32Array.from(b), [6, 4])).sum(),
        )(tf.tensor2d(Float32Array.from(a), [6, 4]))
        .dataSync(),
    );
    const total = (x: Float64Array) =>
      Array.from(
        { length: 6 },
        (_, k) => papGiouRef(x.subarray(4 * k, 4 * k + 4), b.subarray(4 * k, 4 * k + 4)).giou,
      ).reduce((s, v) => s + v, 0);
    const fd = Float64Array.from(a, (_v, k) => {
      const p = a.slice();
      p[k] += 1e-6;
      const m = a.slice();
      m[k] -= 1e-6;
      return (total(p) - total(m)) / 2e-6;
    });
    expect(maxRelError(g, fd, 1)).toBeLessThan(5e-5);
  });

  it('rejects mismatched counts', () => {
    expect(() => alignedGeneralizedBoxIou(tf.zeros([2, 4]), tf.zeros([3, 4]))).toThrow(/same number of boxes/);
  });
});

describe('IoF and input checks', () => {
  it('IoF divides by the first box area and is 0 for zero-area boxes', () => {
    const iof = boxIofTyped([0, 0, 10, 10, 0, 0, 0, 5], [5, 0, 20, 10]);
    expect(Array.from(iof)).toEqual([0.5, 0]);
  });
  it('rejects non-[N,4] inputs with a clear message', () => {
    expect(() => boxIouTyped([0, 0, 1], [0, 0, 1, 1])).toThrow(/multiple of 4/);
    expect(() => boxIou(tf.zeros<tf.Rank.R2>([2, 3]), tf.zeros<tf.Rank.R2>([2, 4]))).toThrow(/\[N, 4\]/);
  });
});
