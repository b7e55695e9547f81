// torchvision.ops.sigmoid_focal_loss oracle (its public cases, copied into test/fixtures/ops;
// packages/losses/README.md, "Baseline losses"): loss for every reduction and the three
// gradients, float32 tfjs vs the float64 oracle.
//
// Tolerance rule: |ours − oracle| ≤ 1e-5·|oracle| + 1e-30 for every element. The 1e-30 floor
// only matters for values below ~1e-30: there the oracle itself is inexact, because torch
// computes 1 − p_t by subtraction, which in float64 loses all digits once p (or 1 − p) drops
// below ~1e-11; such elements are ~p³ < 1e-33. Every larger value must match to 1e-5 relative.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sigmoidFocalLoss, type Reduction } from '../../src/baseline/index.js';
import { expectClose } from './reference.js';

interface StoredTensor {
  shape: number[];
  data: number[];
}
interface FocalCase {
  name: string;
  inputs: { inputs: StoredTensor; targets: StoredTensor; grad_output_for_none: StoredTensor };
  params: { alpha: number; gamma: number };
  outputs: Record<
    'loss_none' | 'loss_mean' | 'loss_sum' | 'grad_inputs_none' | 'grad_inputs_mean' | 'grad_inputs_sum',
    StoredTensor
  >;
}

const FIXTURES = fileURLToPath(new URL('../fixtures/ops/', import.meta.url));
const cases: FocalCase[] = readdirSync(FIXTURES)
  .filter((f) => f.startsWith('focal_') && f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(FIXTURES + f, 'utf8')) as FocalCase);
const TOL = { rtol: 1e-5, atol: 1e-30 };

describe.each(['cpu', 'wasm'])('sigmoid_focal_loss oracle on %s', (backend) => {
  beforeAll(async () => {
    if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('has the three public cases', () => {
    expect(cases.map((c) => c.name).sort()).toEqual(['focal_basic', 'focal_extreme', 'focal_gamma0_alpha05']);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: loss and gradients for none/mean/sum', (_name, c) => {
    const x = tf.tensor(c.inputs.inputs.data, c.inputs.inputs.shape);
    const t = tf.tensor(c.inputs.targets.data, c.inputs.targets.shape);
    const gOut = tf.tensor(c.inputs.grad_output_for_none.data, c.inputs.grad_output_for_none.shape);
    const opts = { alpha: c.params.alpha, gamma: c.params.gamma };
    const loss = (reduction: Reduction) => (logits: tf.Tensor) => sigmoidFocalLoss(logits, t, { ...opts, reduction });

    const none = loss('none')(x);
    expectClose(none.dataSync(), c.outputs.loss_none.data, TOL, `${c.name} loss_none`);
    expectClose(loss('mean')(x).dataSync(), c.outputs.loss_mean.data, TOL, `${c.name} loss_mean`);
    expectClose(loss('sum')(x).dataSync(), c.outputs.loss_sum.data, TOL, `${c.name} loss_sum`);

    // d(Σ loss_none · grad_output)/dx, as the oracle defines grad_inputs_none.
    const gNone = tf.grad((logits: tf.Tensor) => tf.sum(tf.mul(loss('none')(logits), gOut)))(x);
    expectClose(gNone.dataSync(), c.outputs.grad_inputs_none.data, TOL, `${c.name} grad_none`);
    expectClose(
      tf
        .grad((l: tf.Tensor) => loss('mean')(l) as tf.Scalar)(x)
        .dataSync(),
      c.outputs.grad_inputs_mean.data,
      TOL,
      `${c.name} grad_mean`,
    );
    expectClose(
      tf
        .grad((l: tf.Tensor) => loss('sum')(l) as tf.Scalar)(x)
        .dataSync(),
      c.outputs.grad_inputs_sum.data,
      TOL,
      `${c.name} grad_sum`,
    );

    for (const v of [...none.dataSync(), ...gNone.dataSync()]) expect(Number.isFinite(v)).toBe(true);
    tf.dispose([x, t, gOut, none, gNone]);
  });
});
