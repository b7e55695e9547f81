import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@apdet/backend';
import {
  BatchNorm,
  Conv2d,
  FrozenBatchNorm,
  GroupNorm,
  LayerNorm,
  Linear,
  MaxPool2d,
  MLP,
  MultiheadAttention,
  type Parameter,
} from '../src/index.js';
import * as R from './helpers/reference.js';
import {
  BACKENDS,
  gradError,
  randomRef,
  setParam,
  toTensor,
  weightedSum,
  weightedSumTensor,
} from './helpers/tensors.js';

// Forward tolerance: float32 vs float64 on O(1) values. Gradient tolerance: float32 analytic
// vs float64 central differences (h = 1e-5), relative to 1 + |g|.
const FWD_TOL = 2e-5;
const GRAD_TOL = 1e-3;

/** Analytic grads (w.r.t. the input and the given params) of Σ forward(x)·r. */
function grads(forward: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, params: Parameter[]): Float32Array[] {
  return tf.tidy(() => {
    const gx = tf
      .grad((xx: tf.Tensor) => weightedSumTensor(forward(xx)))(x)
      .dataSync() as Float32Array;
    if (params.length === 0) return [gx];
    const vars = params.map((p) => p.variable);
    const { grads: g } = tf.variableGrads(() => weightedSumTensor(forward(x)), vars);
    return [gx, ...vars.map((v) => g[v.name].dataSync() as Float32Array)];
  });
}

describe.each(BACKENDS)('layers on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('Conv2d (stride 2, torch padding 1, bias) matches the float64 reference, forward and gradients', () => {
    const conv = new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, stride: 2, padding: 1 });
    const w = setParam(conv.weight, 1);
    const b = setParam(conv.bias!, 2);
    const x = randomRef([2, 6, 5, 3], 3);
    const refOut = (xd: Float64Array, wd: Float64Array, bd: Float64Array) =>
      R.conv2dRef({ data: xd, shape: x.shape }, { data: wd, shape: conv.weight.shape }, 2, [1, 1, 1, 1], bd);
    const y = tf.tidy(() => conv.forward(toTensor(x)).dataSync());
    const expected = refOut(x.data, w, b);
    expect(expected.shape).toEqual([2, 3, 3, 4]);
    expect(R.maxAbsDiff(y, expected.data)).toBeLessThan(FWD_TOL);
    const [gx, gw, gb] = grads((t) => conv.forward(t), toTensor(x), [conv.weight, conv.bias!]);
    expect(gradError(gx, (v) => weightedSum(refOut(v, w, b).data), x.data)).toBeLessThan(GRAD_TOL);
    expect(gradError(gw, (v) => weightedSum(refOut(x.data, v, b).data), w)).toBeLessThan(GRAD_TOL);
    expect(gradError(gb, (v) => weightedSum(refOut(x.data, w, v).data), b)).toBeLessThan(GRAD_TOL);
  });

  it('Conv2d with explicit asymmetric pads and stride 1, 7×7 stride 2 pad 3 (the ResNet stem)', () => {
    for (const [k, s, pads] of [
      [3, 1, [0, 2, 1, 0]],
      [7, 2, [3, 3, 3, 3]],
    ] as const) {
      const conv = new Conv2d({
        inChannels: 2,
        outChannels: 3,
        kernelSize: k,
        stride: s,
        padding: [...pads],
        bias: false,
      });
      const w = setParam(conv.weight, 5);
      const x = randomRef([1, 9, 8, 2], 6);
      const refOut = (xd: Float64Array, wd: Float64Array) =>
        R.conv2dRef({ data: xd, shape: x.shape }, { data: wd, shape: conv.weight.shape }, s, [...pads]);
      const y = tf.tidy(() => conv.forward(toTensor(x)).dataSync());
      expect(R.maxAbsDiff(y, refOut(x.data, w).data)).toBeLessThan(FWD_TOL);
      const [gx, gw] = grads((t) => conv.forward(t), toTensor(x), [conv.weight]);
      expect(gradError(gx, (v) => weightedSum(refOut(v, w).data), x.data)).toBeLessThan(GRAD_TOL);
      expect(gradError(gw, (v) => weightedSum(refOut(x.data, v).data), w)).toBeLessThan(GRAD_TOL);
    }
  });

  it('MaxPool2d 3×3/2 pad 1 follows torch (not TF same) on even and odd sizes, with gradients', () => {
    const pool = new MaxPool2d({ kernelSize: 3, stride: 2, padding: 1 });
    for (const shape of [
      [1, 8, 6, 2],
      [2, 7, 5, 3],
    ]) {
      const x = randomRef(shape, 7);
      const y = tf.tidy(() => pool.forward(toTensor(x)).dataSync());
      const expected = R.maxPoolRef(x, 3, 2, 1);
      expect(R.maxAbsDiff(y, expected.data)).toBe(0);
      const [gx] = grads((t) => pool.forward(t), toTensor(x), []);
      expect(gradError(gx, (v) => weightedSum(R.maxPoolRef({ data: v, shape }, 3, 2, 1).data), x.data)).toBeLessThan(
        GRAD_TOL,
      );
    }
  });

  it('GroupNorm matches the float64 reference, forward and gradients', () => {
    const gn = new GroupNorm(2, 6);
    const gamma = setParam(gn.weight, 8, 0.5, 1.5);
    const beta = setParam(gn.bias, 9);
    const x = randomRef([2, 3, 4, 6], 10, -2, 3);
    const refOut = (xd: Float64Array, g: Float64Array, b: Float64Array) =>
      R.groupNormRef({ data: xd, shape: x.shape }, 2, g, b, 1e-5);
    const y = tf.tidy(() => gn.forward(toTensor(x)).dataSync());
    expect(R.maxAbsDiff(y, refOut(x.data, gamma, beta).data)).toBeLessThan(1e-4);
    const [gx, gg, gb] = grads((t) => gn.forward(t), toTensor(x), [gn.weight, gn.bias]);
    expect(gradError(gx, (v) => weightedSum(refOut(v, gamma, beta).data), x.data)).toBeLessThan(GRAD_TOL);
    expect(gradError(gg, (v) => weightedSum(refOut(x.data, v, beta).data), gamma)).toBeLessThan(GRAD_TOL);
    expect(gradError(gb, (v) => weightedSum(refOut(x.data, gamma, v).data), beta)).toBeLessThan(GRAD_TOL);
  });

  it('LayerNorm matches the float64 reference, forward and gradients', () => {
    const ln = new LayerNorm(5);
    const gamma = setParam(ln.weight, 11, 0.5, 1.5);
    const beta = setParam(ln.bias, 12);
    const x = randomRef([2, 3, 5], 13, -2, 2);
    const refOut = (xd: Float64Array, g: Float64Array, b: Float64Array) =>
      R.layerNormRef({ data: xd, shape: x.shape }, g, b, 1e-5);
    const y = tf.tidy(() => ln.forward(toTensor(x)).dataSync());
    expect(R.maxAbsDiff(y, refOut(x.data, gamma, beta).data)).toBeLessThan(1e-4);
    const [gx, gg] = grads((t) => ln.forward(t), toTensor(x), [ln.weight]);
    expect(gradError(gx, (v) => weightedSum(refOut(v, gamma, beta).data), x.data)).toBeLessThan(GRAD_TOL);
    expect(gradError(gg, (v) => weightedSum(refOut(x.data, v, beta).data), gamma)).toBeLessThan(GRAD_TOL);
  });

  it('FrozenBatchNorm equals the formula w·(x − mean)/sqrt(var + 1e-5) + b and never updates its statistics', () => {
    const bn = new FrozenBatchNorm(3);
    const w = setParam(bn.weight, 14, 0.5, 1.5);
    const b = setParam(bn.bias, 15);
    const mean = setParam(bn.runningMean, 16);
    const vr = setParam(bn.runningVar, 17, 0.1, 2);
    const x = randomRef([2, 2, 2, 3], 18, -3, 3);
    const expected = x.data.map((v, i) => (w[i % 3] * (v - mean[i % 3])) / Math.sqrt(vr[i % 3] + 1e-5) + b[i % 3]);
    bn.train();
    const y = tf.tidy(() => bn.forward(toTensor(x)).dataSync());
    expect(R.maxAbsDiff(y, expected)).toBeLessThan(FWD_TOL);
    expect(R.maxAbsDiff(bn.runningMean.variable.dataSync(), mean)).toBe(0);
    const [gx, gw] = grads((t) => bn.forward(t), toTensor(x), [bn.weight]);
    expect(
      R.maxAbsDiff(
        gx,
        x.data.map((_, i) => (R.randomArray(x.data.length, 99)[i] * w[i % 3]) / Math.sqrt(vr[i % 3] + 1e-5)),
      ),
    ).toBeLessThan(1e-5);
    expect(gw.length).toBe(3);
  });

  it('BatchNorm: batch statistics and torch running-stat update in train mode, running stats in eval', () => {
    const bn = new BatchNorm(2, { momentum: 0.1 });
    const x = randomRef([3, 2, 2, 2], 19, -2, 4);
    const n = 12;
    const stats = [0, 1].map((c) => {
      const vals = Array.from({ length: n }, (_, i) => x.data[i * 2 + c]);
      const m = vals.reduce((a, v) => a + v, 0) / n;
      const v = vals.reduce((a, z) => a + (z - m) ** 2, 0) / n;
      return { m, v };
    });
    const y = tf.tidy(() => bn.train().forward(toTensor(x)).dataSync());
    const expected = x.data.map((v, i) => (v - stats[i % 2].m) / Math.sqrt(stats[i % 2].v + 1e-5));
    expect(R.maxAbsDiff(y, expected)).toBeLessThan(1e-5);
    expect(
      R.maxAbsDiff(
        bn.runningMean.variable.dataSync(),
        stats.map((s) => 0.1 * s.m),
      ),
    ).toBeLessThan(1e-6);
    expect(
      R.maxAbsDiff(
        bn.runningVar.variable.dataSync(),
        stats.map((s) => 0.9 + (0.1 * s.v * n) / (n - 1)),
      ),
    ).toBeLessThan(1e-6);
    const rm = Float64Array.from(bn.runningMean.variable.dataSync());
    const rv = Float64Array.from(bn.runningVar.variable.dataSync());
    const ye = tf.tidy(() => bn.eval().forward(toTensor(x)).dataSync());
    expect(
      R.maxAbsDiff(
        ye,
        x.data.map((v, i) => (v - rm[i % 2]) / Math.sqrt(rv[i % 2] + 1e-5)),
      ),
    ).toBeLessThan(1e-5);
  });

  it('MultiheadAttention (with a key padding mask) matches the float64 reference, forward and gradients', () => {
    const mha = new MultiheadAttention({ embedDim: 6, numHeads: 2 });
    const lin = (l: Linear, seed: number): [R.Ref, Float64Array] => [
      { data: setParam(l.weight, seed), shape: l.weight.shape },
      setParam(l.bias!, seed + 1),
    ];
    const wts = { q: lin(mha.qProj, 20), k: lin(mha.kProj, 22), v: lin(mha.vProj, 24), o: lin(mha.outProj, 26) };
    const q = randomRef([2, 3, 6], 28);
    const kv = randomRef([2, 4, 6], 29);
    const mask = Float64Array.from([0, 0, 1, 0, 0, 0, 0, 1]);
    const maskT = tf.tensor2d(Float32Array.from(mask), [2, 4]);
    const y = tf.tidy(() => mha.forward(toTensor(q), toTensor(kv), toTensor(kv), maskT).dataSync());
    const refOut = (qd: Float64Array, w = wts) => R.attentionRef({ data: qd, shape: q.shape }, kv, kv, 2, w, mask);
    expect(R.maxAbsDiff(y, refOut(q.data).data)).toBeLessThan(1e-5);
    const kvT = toTensor(kv);
    const [gq, gwk] = grads((t) => mha.forward(t, kvT, kvT, maskT), toTensor(q), [mha.kProj.weight]);
    expect(gradError(gq, (v) => weightedSum(refOut(v).data), q.data)).toBeLessThan(GRAD_TOL);
    const kw = wts.k[0].data;
    expect(
      gradError(
        gwk,
        (v) => weightedSum(refOut(q.data, { ...wts, k: [{ data: v, shape: wts.k[0].shape }, wts.k[1]] }).data),
        kw,
      ),
    ).toBeLessThan(GRAD_TOL);
  });

  it('MLP: Linear-ReLU-Linear with DETR names, matches the reference', () => {
    const mlp = new MLP(4, 5, 3, 2);
    expect(mlp.namedParameters().map(([n]) => n)).toEqual([
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.weight',
      'layers.1.bias',
    ]);
    const w0 = { data: setParam(mlp.layers[0].weight, 30), shape: [4, 5] };
    const b0 = setParam(mlp.layers[0].bias!, 31);
    const w1 = { data: setParam(mlp.layers[1].weight, 32), shape: [5, 3] };
    const b1 = setParam(mlp.layers[1].bias!, 33);
    const x = randomRef([2, 3, 4], 34);
    const h = R.linearRef(x.data, 6, w0, b0).map((v) => Math.max(0, v));
    const expected = R.linearRef(h, 6, w1, b1);
    const y = tf.tidy(() => mlp.forward(toTensor(x)));
    expect(y.shape).toEqual([2, 3, 3]);
    expect(R.maxAbsDiff(y.dataSync(), expected)).toBeLessThan(FWD_TOL);
    y.dispose();
  });
});
