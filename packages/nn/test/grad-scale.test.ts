/**
 * Global-norm clipping on the device: `gradNormClipScale` gives torch's coefficient
 * min(1, maxNorm / (norm + 1e-6)) without a read, and `optimizer.step(grads, lr, { gradScale })`
 * equals a step on the scaled gradients, bit for bit when the scale is 1 (nothing clipped).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@apdet/backend';
import { Rng } from '@apdet/rng';
import { quotientOfSum } from '../src/optim/exact-quotient.js';
import {
  AdamW,
  clipGradNorm,
  gradNormClipScale,
  Module,
  Parameter,
  SGD,
  singleGroup,
  type Optimizer,
} from '../src/index.js';

beforeAll(() => useBackend('cpu'));

class Two extends Module {
  readonly a: Parameter;
  readonly b: Parameter;
  constructor() {
    super();
    this.a = this.param('a', tf.tensor1d([0.5, -1.5, 2]), { role: 'weight' });
    this.b = this.param(
      'b',
      tf.tensor2d([
        [1, -2],
        [3, 0.25],
      ]),
      { role: 'weight' },
    );
  }
}

const grads = (k: number): Map<string, tf.Tensor> =>
  new Map<string, tf.Tensor>([
    ['a', tf.tensor1d([0.3, -0.7, 1.1]).mul(k)],
    [
      'b',
      tf
        .tensor2d([
          [-0.2, 0.9],
          [0.4, -1.3],
        ])
        .mul(k),
    ],
  ]);

const values = (m: Module): number[] => m.namedParameters().flatMap(([, p]) => Array.from(p.variable.dataSync()));

function twoSteps(
  make: (m: Module) => Optimizer,
  scaleOf: (g: Map<string, tf.Tensor>) => tf.Scalar | null,
  k: number,
): number[] {
  const model = new Two();
  const opt = make(model);
  for (let i = 0; i < 2; i++) {
    const g = grads(k * (i + 1)); // growing gradients: the clip scale changes per step (AdamW is invariant to a constant one)
    const scale = scaleOf(g);
    opt.step(g, 0.1, scale === null ? {} : { gradScale: scale });
    tf.dispose([...g.values(), ...(scale ? [scale] : [])]);
  }
  const out = values(model);
  opt.dispose();
  model.dispose();
  return out;
}

const makers: [string, (m: Module) => Optimizer][] = [
  ['AdamW', (m) => new AdamW(singleGroup(m, 0.01))],
  ['SGD', (m) => new SGD(singleGroup(m, 0.01), { momentum: 0.9 })],
];

describe('quotientOfSum: fl32(a / (b + c)) with float32 operations on the device', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`equals the host's float64 quotient rounded to float32 (${backend})`, async () => {
      await useBackend(backend);
      const rng = Rng.from(2024);
      // Norms across 8 decades, including values near the clip thresholds.
      const norms = Float32Array.from({ length: 4000 }, (_, i) => (i % 4 === 0 ? 10 : 1) * 10 ** rng.uniform(-3, 5));
      const b = tf.tensor1d(norms);
      for (const [a, c] of [
        [10, 1e-6],
        [0.1, 1e-6],
        [35, 1e-6],
        [1, 1e-3],
      ] as const) {
        const q = quotientOfSum(a, b as unknown as tf.Scalar, c);
        const got = q.dataSync();
        const mismatches = Array.from(norms).filter((n, i) => got[i] !== Math.fround(a / (n + c))).length;
        expect(mismatches, `a ${a}, c ${c}`).toBe(0);
        // The naive float32 formula is not exact: this test can tell the two apart.
        const naive = tf.div(a, tf.add(b, c)).dataSync();
        if (a === 10) expect(Array.from(norms).some((n, i) => naive[i] !== Math.fround(a / (n + c)))).toBe(true);
        q.dispose();
      }
      b.dispose();
      await useBackend('cpu');
    });
  }
});

describe('gradient clipping on the device', () => {
  it('computes the norm and torch clip_grad_norm_ coefficient without a read', () => {
    const g = grads(10);
    const { norm, scale } = gradNormClipScale(g, 5);
    const host = clipGradNorm(g, 5);
    expect(norm.dataSync()[0]).toBeCloseTo(host.totalNorm, 5);
    expect(scale.dataSync()[0]).toBeCloseTo(5 / (host.totalNorm + 1e-6), 6);
    const unclipped = gradNormClipScale(g, 1000).scale;
    expect(unclipped.dataSync()[0]).toBe(1);
    tf.dispose([...g.values(), ...host.grads.values(), norm, scale, unclipped]);
  });

  for (const [name, make] of makers) {
    it(`${name}: a step with scale 1 is bit-identical to a step without`, () => {
      const plain = twoSteps(make, () => null, 1);
      const scaled = twoSteps(make, (g) => gradNormClipScale(g, 1000).scale, 1);
      expect(scaled).toEqual(plain);
    });

    it(`${name}: a clipped step equals a step on the host-clipped gradients, bit for bit`, () => {
      const onDevice = twoSteps(make, (g) => gradNormClipScale(g, 0.5).scale, 3);
      const model = new Two();
      const opt = make(model);
      for (let i = 0; i < 2; i++) {
        const g = grads(3 * (i + 1));
        const clipped = clipGradNorm(g, 0.5);
        opt.step(clipped.grads, 0.1);
        tf.dispose([...g.values(), ...clipped.grads.values()]);
      }
      const reference = values(model);
      onDevice.forEach((v, i) => expect(v).toBeCloseTo(reference[i], 6));
      expect(onDevice).not.toEqual(twoSteps(make, () => null, 3)); // the scale did act
      opt.dispose();
      model.dispose();
    });
  }
});
