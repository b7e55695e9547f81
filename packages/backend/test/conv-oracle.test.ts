// Conv2D forward and both gradients against PyTorch (the oracle's public cases, copied into
// test/fixtures/conv/; packages/backend/README.md, "Conv gradients as forward convs"), through
// the registered kernels, on cpu, wasm and webgpu (when Dawn finds an adapter).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../src/testing.js';
import { fromStored, loadConvFixture, relErr } from './helpers/numeric.js';
import { webgpuSuitesRun } from './helpers/webgpu.js';

const CASES = ['k1_s1_valid', 'k1_s2_valid', 'k3_s1_same', 'k3_s2_same_even', 'k3_s2_valid', 'k7_s2_same'];
// float32 vs the oracle's float64: observed ≤ 4e-7 relative to the output scale.
const TOL = 1e-5;

const webgpu = await webgpuSuitesRun('conv2d vs PyTorch oracle on webgpu');
for (const backend of ['cpu', 'wasm', ...(webgpu ? ['webgpu' as const] : [])] as const) {
  describe(`conv2d vs PyTorch oracle on ${backend}`, () => {
    for (const name of CASES) {
      it(name, async () => {
        await useBackend(backend);
        const fx = loadConvFixture(name);
        tf.tidy(() => {
          const x = fromStored(fx.inputs.x) as tf.Tensor4D;
          const w = fromStored(fx.inputs.filter) as tf.Tensor4D;
          const go = fromStored(fx.inputs.grad_output);
          const conv = (a: tf.Tensor, b: tf.Tensor) =>
            tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, fx.params.strides, fx.params.padding);
          const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), go)))([x, w]);
          expect(relErr(conv(x, w), fromStored(fx.outputs.y))).toBeLessThan(TOL);
          expect(relErr(gx, fromStored(fx.outputs.grad_x))).toBeLessThan(TOL);
          expect(relErr(gw, fromStored(fx.outputs.grad_filter))).toBeLessThan(TOL);
        });
      });
    }
  });
}
