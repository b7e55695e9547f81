// Our gradients vs the cpu backend's STOCK gradients. The stock values are computed first,
// in this process, BEFORE registerTrainingKernels() replaces the stock kernels (vitest runs
// each test file in its own process), then ours run on cpu, wasm and webgpu (when Dawn finds
// an adapter; on webgpu most kernels are its stock ones, see src/register.ts).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTrainingKernels, trainingKernelsRegistered } from '../src/register.js';
import { useBackend } from '../src/testing.js';
import { randomTensor, relErr } from './helpers/numeric.js';
import { webgpuSuitesRun } from './helpers/webgpu.js';

const webgpu = await webgpuSuitesRun('gradients vs stock cpu, on webgpu');

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface ConvCase {
  name: string;
  x: number[];
  filter: number[];
  strides: number;
  pad: Pad;
}

const CONV_CASES: ConvCase[] = [
  { name: '3x3 s1 same', x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: '3x3 s1 valid', x: [1, 7, 9, 2], filter: [3, 3, 2, 3], strides: 1, pad: 'valid' },
  { name: '3x3 s2 same odd', x: [2, 9, 11, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'same' },
  { name: '3x3 s2 same even', x: [1, 8, 10, 2], filter: [3, 3, 2, 3], strides: 2, pad: 'same' },
  { name: '3x3 s2 valid', x: [1, 10, 9, 2], filter: [3, 3, 2, 2], strides: 2, pad: 'valid' },
  { name: '1x1 s2 valid (ResNet downsample)', x: [2, 8, 7, 4], filter: [1, 1, 4, 3], strides: 2, pad: 'valid' },
  {
    name: '7x7 s2 explicit 3 (ResNet stem)',
    x: [1, 16, 15, 3],
    filter: [7, 7, 3, 4],
    strides: 2,
    pad: [
      [0, 0],
      [3, 3],
      [3, 3],
      [0, 0],
    ],
  },
  {
    name: '3x3 s2 explicit asymmetric',
    x: [1, 9, 8, 2],
    filter: [3, 3, 2, 3],
    strides: 2,
    pad: [
      [0, 0],
      [0, 1],
      [1, 0],
      [0, 0],
    ],
  },
  {
    name: '3x3 s1 explicit pads > filter',
    x: [1, 5, 6, 2],
    filter: [3, 3, 2, 2],
    strides: 1,
    pad: [
      [0, 0],
      [4, 3],
      [0, 5],
      [0, 0],
    ],
  },
  {
    name: '3x3 s2 explicit pads > filter',
    x: [1, 5, 6, 2],
    filter: [3, 3, 2, 3],
    strides: 2,
    pad: [
      [0, 0],
      [0, 5],
      [4, 0],
      [0, 0],
    ],
  },
  { name: '2x4 s2 same, rectangular filter', x: [1, 9, 10, 2], filter: [2, 4, 2, 3], strides: 2, pad: 'same' },
];

const TOL = 1e-5; // relative to the gradient scale; observed ≤ 1e-6

/**
 * A miniature ResNet stem + FPN step (batch 1: the stock cpu resize-nearest gradient is only
 * right for batch 1): 7×7/s2/pad-3 conv, relu, 3×3/s2/pad-1 max pool, 3×3 conv, 1×1/s2 conv,
 * nearest ×2 upsampling added to a 1×1 lateral, loss Σ y².
 */
function miniNet(x: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor, w3: tf.Tensor, wl: tf.Tensor): tf.Scalar {
  const c1 = tf.relu(
    tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 2, [
      [0, 0],
      [3, 3],
      [3, 3],
      [0, 0],
    ]),
  );
  const p1 = tf.maxPool(c1, 3, 2, 1);
  const c2 = tf.relu(tf.conv2d(p1, w2 as tf.Tensor4D, 1, 'same'));
  const c3 = tf.conv2d(c2, w3 as tf.Tensor4D, 2, 'valid');
  const up = tf.image.resizeNearestNeighbor(c3, [c2.shape[1], c2.shape[2]]);
  const lateral = tf.conv2d(c2, wl as tf.Tensor4D, 1, 'valid');
  return tf.sum(tf.square(tf.add(up, lateral)));
}
const miniInputs = () => [
  randomTensor([1, 32, 28, 3], 70),
  tf.mul(randomTensor([7, 7, 3, 8], 71), 0.2),
  tf.mul(randomTensor([3, 3, 8, 8], 72), 0.3),
  tf.mul(randomTensor([1, 1, 8, 8], 73), 0.5),
  tf.mul(randomTensor([1, 1, 8, 8], 74), 0.5),
];
let miniStock: tf.Tensor[] = [];

/** NCHW conv (cpu only: the wasm Conv2D kernel is NHWC-only). */
const nchwLoss = (a: tf.Tensor, b: tf.Tensor) =>
  tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same', 'NCHW')));
const nchwInputs = () => [randomTensor([2, 3, 9, 8], 80), randomTensor([3, 3, 3, 4], 81)];
let nchwStock: tf.Tensor[] = [];

/** depthwiseConv2d cases (the wasm backend has no stock backprop kernels for it). */
const DEPTHWISE_CASES = [
  { name: '3x3 s1 same, multiplier 1', x: [2, 7, 6, 3], filter: [3, 3, 3, 1], strides: 1, pad: 'same' as const },
  { name: '3x3 s2 same, multiplier 2', x: [1, 9, 8, 2], filter: [3, 3, 2, 2], strides: 2, pad: 'same' as const },
  { name: '5x5 s2 valid, multiplier 1', x: [2, 11, 10, 2], filter: [5, 5, 2, 1], strides: 2, pad: 'valid' as const },
];
const depthwiseStock = new Map<string, tf.Tensor[]>();
function depthwiseCase(c: (typeof DEPTHWISE_CASES)[number], i: number) {
  const x = randomTensor(c.x, 90 + i);
  const w = randomTensor(c.filter, 95 + i);
  const go = randomTensor(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad).shape, 99 + i);
  const loss = (a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad), go));
  return { loss, inputs: [x, w] };
}
const stock = new Map<string, { dx: tf.Tensor; dw: tf.Tensor; dxT: tf.Tensor; dwT: tf.Tensor }>();
const gatherStock = new Map<string, tf.Tensor>();

function convLoss(c: ConvCase, go: tf.Tensor) {
  return (x: tf.Tensor, w: tf.Tensor) =>
    tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad), go));
}

function convInputs(c: ConvCase, i: number) {
  const x = randomTensor(c.x, 11 + i);
  const w = randomTensor(c.filter, 23 + i);
  const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad);
  return { x, w, go: randomTensor(y.shape, 37 + i) };
}

/** conv2dTranspose(dy, filter): its forward is Conv2DBackpropInput, its gradient needs both. */
function transposeLoss(c: ConvCase, go: tf.Tensor) {
  return (dy: tf.Tensor, w: tf.Tensor) =>
    tf.sum(
      tf.mul(
        tf.conv2dTranspose(
          dy as tf.Tensor4D,
          w as tf.Tensor4D,
          c.x as [number, number, number, number],
          c.strides,
          c.pad,
        ),
        go,
      ),
    );
}

const GATHER_CASES = [
  { name: 'axis 0 with duplicates', x: [6, 3], idx: [4, 0, 4, 2, 4], axis: 0 },
  {
    name: 'axis 1, 2-D indices',
    x: [3, 5, 2],
    idx: [
      [1, 3],
      [3, 0],
    ],
    axis: 1,
  },
  { name: 'axis -1', x: [2, 3, 4], idx: [3, 3, 1], axis: -1 },
];

function gatherLoss(g: (typeof GATHER_CASES)[number], go: tf.Tensor) {
  return (x: tf.Tensor) => tf.sum(tf.mul(tf.gather(x, tf.tensor(g.idx, undefined, 'int32'), g.axis), go));
}

function gatherGo(g: (typeof GATHER_CASES)[number], i: number): tf.Tensor {
  const y = tf.gather(randomTensor(g.x, 1), tf.tensor(g.idx, undefined, 'int32'), g.axis);
  return randomTensor(y.shape, 50 + i);
}

beforeAll(async () => {
  expect(trainingKernelsRegistered()).toBe(false);
  await tf.setBackend('cpu');
  CONV_CASES.forEach((c, i) => {
    const { x, w, go } = convInputs(c, i);
    const [dx, dw] = tf.grads(convLoss(c, go))([x, w]);
    const dy = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad);
    const [dxT, dwT] = tf.grads(transposeLoss(c, x))([dy, w]);
    stock.set(c.name, { dx, dw, dxT, dwT });
  });
  miniStock = tf.grads(miniNet)(miniInputs());
  nchwStock = tf.grads(nchwLoss)(nchwInputs());
  DEPTHWISE_CASES.forEach((c, i) => {
    const { loss, inputs } = depthwiseCase(c, i);
    depthwiseStock.set(c.name, tf.grads(loss)(inputs));
  });
  GATHER_CASES.forEach((g, i) => {
    gatherStock.set(g.name, tf.grad(gatherLoss(g, gatherGo(g, i)))(randomTensor(g.x, 2 + i)));
  });
  registerTrainingKernels();
});

describe('conv2d NCHW gradients vs stock, on cpu', () => {
  it('3x3 stride 2 same', async () => {
    await useBackend('cpu');
    const grads = tf.grads(nchwLoss)(nchwInputs());
    grads.forEach((g, i) => expect(relErr(g, nchwStock[i]), `input ${i}`).toBeLessThan(TOL));
  });
});

for (const backend of ['cpu', 'wasm', ...(webgpu ? ['webgpu' as const] : [])] as const) {
  describe(`conv2d gradients vs stock cpu, on ${backend}`, () => {
    CONV_CASES.forEach((c, i) => {
      it(c.name, async () => {
        await useBackend(backend);
        const ref = stock.get(c.name)!;
        const { x, w, go } = convInputs(c, i);
        const [dx, dw] = tf.grads(convLoss(c, go))([x, w]);
        expect(relErr(dx, ref.dx)).toBeLessThan(TOL);
        expect(relErr(dw, ref.dw)).toBeLessThan(TOL);
      });
      it(`${c.name}: conv2dTranspose forward+gradient`, async () => {
        await useBackend(backend);
        const ref = stock.get(c.name)!;
        const { x, w } = convInputs(c, i);
        const dy = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad);
        const [dxT, dwT] = tf.grads(transposeLoss(c, x))([dy, w]);
        expect(relErr(dxT, ref.dxT)).toBeLessThan(TOL);
        expect(relErr(dwT, ref.dwT)).toBeLessThan(TOL);
      });
    });
    it('fused conv2d (bias, linear) gradient reaches the same kernels', async () => {
      await useBackend(backend);
      const c = CONV_CASES[2];
      const ref = stock.get(c.name)!;
      const { x, w, go } = convInputs(c, 2);
      const bias = tf.zeros([c.filter[3]]);
      const loss = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: c.strides, pad: c.pad, bias }),
            go,
          ),
        );
      const [dx, dw] = tf.grads(loss)([x, w]);
      expect(relErr(dx, ref.dx)).toBeLessThan(TOL);
      expect(relErr(dw, ref.dw)).toBeLessThan(TOL);
    });
  });

  describe(`depthwiseConv2d gradients vs stock cpu, on ${backend}`, () => {
    DEPTHWISE_CASES.forEach((c, i) => {
      it(c.name, async () => {
        await useBackend(backend);
        const { loss, inputs } = depthwiseCase(c, i);
        const grads = tf.grads(loss)(inputs);
        grads.forEach((g, j) => expect(relErr(g, depthwiseStock.get(c.name)![j]), `input ${j}`).toBeLessThan(TOL));
      });
    });
  });

  describe(`mini ResNet stem + FPN step vs stock cpu, on ${backend}`, () => {
    it('all five parameter gradients', async () => {
      await useBackend(backend);
      const grads = tf.grads(miniNet)(miniInputs());
      grads.forEach((g, i) => expect(relErr(g, miniStock[i]), `input ${i}`).toBeLessThan(TOL));
    });
  });

  describe(`gather gradient vs stock cpu, on ${backend}`, () => {
    GATHER_CASES.forEach((g, i) => {
      it(g.name, async () => {
        await useBackend(backend);
        const dx = tf.grad(gatherLoss(g, gatherGo(g, i)))(randomTensor(g.x, 2 + i));
        expect(relErr(dx, gatherStock.get(g.name)!)).toBeLessThan(1e-6);
      });
    });
  });
}
