/**
 * The gradient cases every backend's suite checks (finite differences on cpu, wasm and webgpu;
 * webgpu against cpu too). Each loss is Σ go ⊙ op(x) with a random go, so the check covers
 * every output element.
 */
import * as tf from '@tensorflow/tfjs';
import { randomTensor } from './numeric.js';

/** float32 central differences with eps 1e-2 on losses of size ~10: rounding error ~1e-4. */
export const FD_TOL = 2e-3;

export interface GradCase {
  name: string;
  inputs: () => tf.Tensor[];
  /** op(...inputs); the loss is Σ go ⊙ op. */
  op: (...xs: tf.Tensor[]) => tf.Tensor;
  /** which inputs are differentiable */
  wrt: number[];
  /** finite-difference step; pools need one smaller than the gap between window values */
  eps?: number;
  /** how many elements to check (default 12; pools check every element) */
  count?: number;
}

const int = (v: number[] | number[][]) => tf.tensor(v, undefined, 'int32');

export const GRAD_CASES: GradCase[] = [
  {
    name: 'conv2d 3x3 stride 1 same',
    inputs: () => [randomTensor([1, 6, 5, 2], 1), randomTensor([3, 3, 2, 3], 2)],
    op: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
    wrt: [0, 1],
  },
  {
    name: 'conv2d 3x3 stride 2 same',
    inputs: () => [randomTensor([2, 7, 8, 2], 3), randomTensor([3, 3, 2, 2], 4)],
    op: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'),
    wrt: [0, 1],
  },
  {
    name: 'conv2d 3x3 stride 2 explicit pads',
    inputs: () => [randomTensor([1, 8, 7, 2], 5), randomTensor([3, 3, 2, 2], 6)],
    op: (x, w) =>
      tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, [
        [0, 0],
        [1, 0],
        [2, 1],
        [0, 0],
      ]),
    wrt: [0, 1],
  },
  {
    name: 'conv2d 3x3 dilation 2 same (stock tfjs has no gradient)',
    inputs: () => [randomTensor([1, 9, 8, 2], 7), randomTensor([3, 3, 2, 2], 8)],
    op: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same', 'NHWC', 2),
    wrt: [0, 1],
  },
  {
    name: 'depthwiseConv2d 3x3 stride 2 same, multiplier 2 (wasm: ours)',
    inputs: () => [randomTensor([1, 7, 8, 2], 36), randomTensor([3, 3, 2, 2], 37)],
    op: (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'),
    wrt: [0, 1],
  },
  {
    name: 'matMul (gradient uses transpose flags; wasm runs them as explicit transposes)',
    inputs: () => [randomTensor([3, 4], 30), randomTensor([4, 5], 31)],
    op: (a, b) => tf.matMul(a, b),
    wrt: [0, 1],
  },
  {
    name: 'batched matMul with broadcast batch and transposeB (attention q·kᵀ)',
    inputs: () => [randomTensor([2, 3, 4], 32), randomTensor([1, 5, 4], 33)],
    op: (a, b) => tf.matMul(a, b, false, true),
    wrt: [0, 1],
  },
  {
    name: 'gather axis 1 with duplicate indices',
    inputs: () => [randomTensor([3, 5], 9)],
    op: (x) => tf.gather(x, int([4, 1, 4, 4]), 1),
    wrt: [0],
  },
  {
    name: 'gather with a scalar index, and gather on a rank-1 tensor',
    inputs: () => [randomTensor([4, 3], 34), randomTensor([6], 35)],
    op: (x, v) => tf.add(tf.gather(x, tf.scalar(2, 'int32'), 0), tf.gather(v, int([5, 0, 5]))),
    wrt: [0, 1],
  },
  {
    name: 'stridedSlice: strides 2 and -1, begin/end masks, shrink axis',
    inputs: () => [randomTensor([5, 6, 3], 38)],
    op: (x) =>
      tf.add(
        tf.stridedSlice(x, [1, 0, 2], [5, 6, 0], [2, 2, -1], 0b010, 0, 0, 0, 0), // [2, 3, 2]
        // [3, 2] (shrink axis 0), broadcast. Shrink with a stride ≠ 1 is broken in the tfjs
        // FORWARD (cpu throws, wasm reads out of bounds), so it is not tested here.
        tf.stridedSlice(x, [3, 1, 0], [4, 4, 2], [1, 1, 1], 0, 0, 0, 0, 0b001),
      ),
    wrt: [0],
    count: 1000,
  },
  {
    name: 'stridedSlice: ellipsis and new axis',
    inputs: () => [randomTensor([2, 4, 5], 39)],
    op: (x) => tf.stridedSlice(x, [0, 0, 1], [0, 0, 5], [1, 1, 3], 0, 0, 0b001, 0b010, 0),
    wrt: [0],
    count: 1000,
  },
  {
    name: 'gatherND with duplicate rows',
    inputs: () => [randomTensor([4, 3, 2], 10)],
    op: (x) =>
      tf.gatherND(
        x,
        int([
          [1, 2],
          [3, 0],
          [1, 2],
        ]),
      ),
    wrt: [0],
  },
  {
    name: 'scatterND (updates)',
    inputs: () => [randomTensor([3, 2], 11)],
    op: (u) => tf.scatterND(int([[4], [0], [4]]), u, [6, 2]),
    wrt: [0],
  },
  {
    name: 'topk values',
    inputs: () => [
      tf.tensor([
        [0.3, -1.2, 2.5, 0.9, -0.4],
        [1.1, 0.2, -0.7, 3.0, 0.5],
      ]),
    ],
    op: (x) => tf.topk(x, 3).values,
    wrt: [0],
  },
  {
    name: 'smooth-L1 via where(less(|x|, β)) (comparison-op gradients)',
    inputs: () => [tf.tensor([-2.1, -0.33, 0.05, 0.4, 1.7, 3.2])],
    op: (x) => tf.where(tf.less(tf.abs(x), 0.5), tf.mul(0.5 / 0.5, tf.square(x)), tf.sub(tf.abs(x), 0.25)),
    wrt: [0],
  },
  {
    name: 'masks from greater/equal/notEqual/lessEqual/greaterEqual and logical ops',
    inputs: () => [tf.tensor([-1.3, 0.2, 0.7, 1.9]), tf.tensor([0.5, 0.1, 1.0, -2.0])],
    op: (a, b) => {
      const m1 = tf.logicalAnd(tf.greater(a, b), tf.notEqual(a, b));
      const m2 = tf.logicalOr(tf.lessEqual(a, b), tf.logicalNot(tf.greaterEqual(a, 0)));
      const m3 = tf.equal(a, b);
      return tf.add(tf.add(tf.where(m1, a, b), tf.where(m2, tf.mul(a, b), a)), tf.where(m3, b, a));
    },
    wrt: [0, 1],
  },
  {
    name: 'maxPool 2x2 stride 2 + resizeNearestNeighbor ×2 (FPN path)',
    inputs: () => [randomTensor([1, 6, 6, 2], 12)],
    op: (x) => tf.image.resizeNearestNeighbor(tf.maxPool(x as tf.Tensor4D, 2, 2, 'same'), [6, 6]),
    wrt: [0],
    eps: 1e-3,
    count: 1000,
  },
  // wasm's stock MaxPoolGrad fails the 2x2 'same' and 3x3 stride-1 cases (see max-pool-grad.ts).
  ...(
    [
      [[1, 4, 4, 1], 1, 2, 'valid'],
      [[1, 6, 6, 2], 2, 2, 'same'],
      [[2, 5, 7, 2], 3, 1, 'same'],
      [[1, 7, 6, 2], 3, 2, 1],
    ] as const
  ).map(([shape, k, s, p], i): GradCase => ({
    name: `maxPool ${k}x${k} stride ${s} pad ${p}`,
    inputs: () => [randomTensor([...shape], 20 + i)],
    op: (x) => tf.maxPool(x as tf.Tensor4D, k, s, p),
    wrt: [0],
    eps: 1e-3,
    count: 1000,
  })),
  {
    name: 'avgPool 3x3 stride 2 same (both stock AvgPoolGrads fail this)',
    inputs: () => [randomTensor([2, 7, 6, 2], 15)],
    op: (x) => tf.avgPool(x as tf.Tensor4D, 3, 2, 'same'),
    wrt: [0],
    count: 1000,
  },
  {
    name: 'avgPool 2x2 stride 1 explicit pad 1',
    inputs: () => [randomTensor([1, 5, 4, 2], 18)],
    op: (x) => tf.avgPool(x as tf.Tensor4D, 2, 1, 1),
    wrt: [0],
    count: 1000,
  },
  {
    name: "resizeNearestNeighbor ×2, batch 2 (cpu's stock ResizeNearestNeighborGrad fails this)",
    inputs: () => [randomTensor([2, 3, 5, 2], 16)],
    op: (x) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [6, 10]),
    wrt: [0],
    count: 1000,
  },
  {
    name: "resizeBilinear non-square (cpu's stock ResizeBilinearGrad fails this)",
    inputs: () => [randomTensor([1, 6, 4, 2], 17)],
    op: (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [5, 7]),
    wrt: [0],
  },
  {
    name: 'pad + tile + slice + resizeBilinear',
    inputs: () => [randomTensor([1, 3, 4, 2], 13)],
    op: (x) =>
      tf.image.resizeBilinear(
        tf.slice(
          tf.tile(
            tf.pad(x, [
              [0, 0],
              [1, 0],
              [0, 2],
              [0, 0],
            ]),
            [1, 2, 1, 1],
          ),
          [0, 1, 1, 0],
          [1, 6, 4, 2],
        ) as tf.Tensor4D,
        [5, 5],
      ),
    wrt: [0],
  },
];
