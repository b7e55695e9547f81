// Our kernels run ops inside kernel functions; none of their intermediates may leak. Kernels
// are invoked here OUTSIDE any tidy scope (inside tf.grads an outer tidy would hide a leak).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../src/testing.js';
import { randomTensor } from './helpers/numeric.js';
import { webgpuSuitesRun } from './helpers/webgpu.js';

const webgpu = await webgpuSuitesRun('no tensor leaks on webgpu');

const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) =>
  tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;

function invocations(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  dy: tf.Tensor4D,
  dw: tf.Tensor4D,
  dyd: tf.Tensor4D,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
): [string, () => tf.Tensor][] {
  const conv = { strides: 2, pad: 'same', dataFormat: 'NHWC' };
  const pool = { filterSize: 3, strides: 2, pad: 1 };
  const pooled = tf.maxPool(x, 3, 2, 1);
  const segmentIds = tf.tensor1d([1, 0, 1], 'int32');
  return [
    ['Conv2DBackpropInput', () => run('Conv2DBackpropInput', { dy, filter: w }, { ...conv, inputShape: x.shape })],
    ['Conv2DBackpropFilter', () => run('Conv2DBackpropFilter', { x, dy }, { ...conv, filterShape: w.shape })],
    [
      'DepthwiseConv2dNativeBackpropInput',
      () =>
        run(
          'DepthwiseConv2dNativeBackpropInput',
          { dy: dyd, filter: dw },
          { ...conv, dilations: 1, inputShape: x.shape },
        ),
    ],
    [
      'DepthwiseConv2dNativeBackpropFilter',
      () =>
        run('DepthwiseConv2dNativeBackpropFilter', { x, dy: dyd }, { ...conv, dilations: 1, filterShape: dw.shape }),
    ],
    ['MaxPoolGrad', () => run('MaxPoolGrad', { dy: pooled, input: x, output: pooled }, pool)],
    ['AvgPoolGrad', () => run('AvgPoolGrad', { dy: pooled, input: x }, pool)],
    [
      'ResizeNearestNeighborGrad',
      () =>
        run('ResizeNearestNeighborGrad', { images: pooled, dy: x }, { alignCorners: false, halfPixelCenters: false }),
    ],
    ['ResizeBilinearGrad', () => run('ResizeBilinearGrad', { images: pooled, dy: x }, { alignCorners: false })],
    ['BatchMatMul (transposeB)', () => tf.matMul(a, b, false, true)],
    ['UnsortedSegmentSum', () => tf.unsortedSegmentSum(a, segmentIds, 2)],
  ];
}

describe('no tensor leaks from our kernels', () => {
  for (const backend of ['cpu', 'wasm', ...(webgpu ? ['webgpu' as const] : [])] as const) {
    it(`every replaced kernel, called at top level, on ${backend}`, async () => {
      await useBackend(backend);
      const x = randomTensor([2, 8, 6, 3], 1) as tf.Tensor4D;
      const w = randomTensor([3, 3, 3, 4], 2) as tf.Tensor4D;
      const dy = randomTensor([2, 4, 3, 4], 3) as tf.Tensor4D;
      const dw = randomTensor([3, 3, 3, 2], 4) as tf.Tensor4D;
      const dyd = randomTensor([2, 4, 3, 6], 5) as tf.Tensor4D;
      const a = randomTensor([3, 4], 6) as tf.Tensor2D;
      const b = randomTensor([5, 4], 7) as tf.Tensor2D;
      for (const [name, call] of invocations(x, w, dy, dw, dyd, a, b)) {
        tf.dispose(call()); // warm-up: a backend may cache constants on first use
        const before = tf.memory().numTensors;
        tf.dispose(call());
        expect(tf.memory().numTensors, name).toBe(before);
      }
    });
  }
});
