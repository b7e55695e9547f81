// The detectors run with @apdet/backend's training kernels registered (zero gradients for
// comparison ops, gather/conv gradient overrides, …). The losses must give the same values and
// gradients there as with stock tfjs (which the other test files use, each file being isolated).
import * as tf from '@tensorflow/tfjs';
import { registerTrainingKernels } from '@apdet/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { getLoss, LOSS_NAMES } from '../../src/registry/index.js';
import { expectClose } from '../baseline/reference.js';
import { buildInputs, syntheticBatch } from './synthetic.js';

function valueAndGrads(name: string) {
  const loss = getLoss(name);
  const batch = syntheticBatch('retina', { seed: 41 });
  const k = loss.numLogits('retina', batch.numClasses);
  return tf.tidy(() => {
    const f = (l: tf.Tensor, d: tf.Tensor) =>
      loss.compute(buildInputs(batch, l as tf.Tensor2D, d as tf.Tensor2D)).total;
    const { value, grads } = tf.valueAndGrads(f)([
      tf.tensor2d(batch.logits(k), [batch.n, k]),
      tf.tensor2d(batch.deltas, [batch.n, 4]),
    ]);
    return [value.dataSync()[0], ...grads[0].dataSync(), ...grads[1].dataSync()];
  });
}

describe('registry entries with @apdet/backend training kernels (wasm)', () => {
  const stock: Record<string, number[]> = {};
  beforeAll(async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    expect(await tf.setBackend('wasm')).toBe(true);
    for (const name of LOSS_NAMES) stock[name] = valueAndGrads(name);
    registerTrainingKernels();
  }, 60_000);

  it.each(LOSS_NAMES.map((n) => [n]))('%s: same value and gradients as with stock tfjs (1e-6)', (name) => {
    const withKernels = valueAndGrads(name);
    const scale = Math.max(...stock[name].map(Math.abs));
    expectClose(withKernels, stock[name], { rtol: 1e-6, atol: 1e-6 * scale }, name);
  });
});
