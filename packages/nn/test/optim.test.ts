import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@apdet/backend';
import {
  AdamW,
  Linear,
  Module,
  SGD,
  clipGradNorm,
  cosine,
  multiStep,
  paramGroups,
  singleGroup,
  withLinearWarmup,
  type Optimizer,
} from '../src/index.js';
import { maxAbsDiff, randomArray } from './helpers/reference.js';

class TwoLayer extends Module {
  readonly backbone = this.child('backbone', new Linear({ inFeatures: 3, outFeatures: 4 }));
  readonly head = this.child('head', new Linear({ inFeatures: 4, outFeatures: 2 }));
}

/** float64 torch.optim.SGD (single-tensor path). */
function sgdRef(
  p: number[],
  gs: number[][],
  lr: number,
  o: { momentum: number; wd: number; dampening: number; nesterov: boolean },
): number[] {
  let buf: number[] | null = null;
  for (const g of gs) {
    const d = g.map((gi, i) => gi + o.wd * p[i]);
    buf = buf === null ? d : buf.map((b, i) => o.momentum * b + (1 - o.dampening) * d[i]);
    const step = o.nesterov ? d.map((di, i) => di + o.momentum * buf![i]) : buf;
    p = p.map((pi, i) => pi - lr * step[i]);
  }
  return p;
}

/** float64 torch.optim.AdamW (single-tensor path, amsgrad off). */
function adamwRef(p: number[], gs: number[][], lr: number, wd: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): number[] {
  let m = p.map(() => 0);
  let v = p.map(() => 0);
  gs.forEach((g, k) => {
    const t = k + 1;
    p = p.map((pi) => pi * (1 - lr * wd));
    m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
    v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i] * g[i]);
    p = p.map((pi, i) => pi - (lr / (1 - b1 ** t)) * (m[i] / (Math.sqrt(v[i]) / Math.sqrt(1 - b2 ** t) + eps)));
  });
  return p;
}

function runSteps(opt: Optimizer, model: TwoLayer, grads: number[][], lr: number): void {
  for (const g of grads) {
    const map = new Map([['head.bias', tf.tensor1d(g)]]);
    opt.step(map, lr);
    tf.dispose([...map.values()]);
  }
}

describe('optimisers', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  const grads = [0, 1, 2, 3].map((k) => Array.from(randomArray(2, 40 + k)));

  it.each([
    { momentum: 0.9, wd: 1e-2, dampening: 0, nesterov: false },
    { momentum: 0.9, wd: 0, dampening: 0.1, nesterov: false },
    { momentum: 0.5, wd: 1e-3, dampening: 0, nesterov: true },
    { momentum: 0, wd: 1e-1, dampening: 0, nesterov: false },
  ])('SGD matches torch semantics (%o)', (o) => {
    const model = new TwoLayer();
    const p0 = Array.from(model.head.bias!.variable.dataSync());
    const opt = new SGD([{ params: [['head.bias', model.head.bias!]], lrMult: 1, weightDecay: o.wd }], o);
    runSteps(opt, model, grads, 0.1);
    expect(maxAbsDiff(model.head.bias!.variable.dataSync(), sgdRef(p0, grads, 0.1, o))).toBeLessThan(1e-6);
  });

  it('AdamW matches torch semantics (decoupled decay, bias correction)', () => {
    const model = new TwoLayer();
    tf.tidy(() => model.head.bias!.variable.assign(tf.tensor1d([0.5, -2])));
    const opt = new AdamW([{ params: [['head.bias', model.head.bias!]], lrMult: 1, weightDecay: 0.05 }]);
    runSteps(opt, model, grads, 0.01);
    expect(maxAbsDiff(model.head.bias!.variable.dataSync(), adamwRef([0.5, -2], grads, 0.01, 0.05))).toBeLessThan(1e-6);
  });

  it('parameter groups: lr multiplier by name, no decay on norm/bias', () => {
    const model = new TwoLayer();
    const groups = paramGroups(model, {
      weightDecay: 1e-4,
      rules: [{ match: /^backbone\./, lrMult: 0.1 }],
      noDecayOnNormAndBias: true,
    });
    const summary = groups.map((g) => [g.params.map(([n]) => n), g.lrMult, g.weightDecay]);
    expect(summary).toEqual([
      [['backbone.weight'], 0.1, 1e-4],
      [['backbone.bias'], 0.1, 0],
      [['head.weight'], 1, 1e-4],
      [['head.bias'], 1, 0],
    ]);
    // A group's lr multiplier scales the step: plain SGD moves backbone.bias by 0.1·lr·g.
    const before = Array.from(model.backbone.bias!.variable.dataSync());
    const opt = new SGD(groups);
    opt.step(new Map([['backbone.bias', tf.ones([4])]]), 0.5);
    expect(
      maxAbsDiff(
        model.backbone.bias!.variable.dataSync(),
        before.map((b) => b - 0.05),
      ),
    ).toBeLessThan(1e-7);
    model.backbone.setTrainable(false);
    expect(singleGroup(model)[0].params.map(([n]) => n)).toEqual(['head.weight', 'head.bias']);
  });

  it('global-norm clipping follows clip_grad_norm_', () => {
    const g = new Map<string, tf.Tensor>([
      ['a', tf.tensor1d([3, 0])],
      ['b', tf.tensor1d([0, 4])],
    ]);
    const clipped = clipGradNorm(g, 1);
    expect(clipped.totalNorm).toBeCloseTo(5, 6);
    expect(maxAbsDiff(clipped.grads.get('a')!.dataSync(), [3 / (5 + 1e-6), 0])).toBeLessThan(1e-7);
    const loose = clipGradNorm(g, 10);
    expect(Array.from(loose.grads.get('b')!.dataSync())).toEqual([0, 4]);
  });
});

describe('learning-rate schedules', () => {
  it('linear warm-up follows mmdet (warmup_ratio at iteration 0, regular lr from `iters` on)', () => {
    const s = withLinearWarmup(multiStep([10, 20]), { iters: 5, ratio: 0.001 });
    expect(s(0)).toBeCloseTo(0.001, 12);
    // mmdet: k = (1 − i/iters)(1 − ratio); lr = regular · (1 − k)
    expect(s(2)).toBeCloseTo(1 - (1 - 2 / 5) * 0.999, 12);
    expect(s(5)).toBe(1);
    expect([s(9), s(10), s(19), s(20)]).toEqual([1, 0.1, 0.1, 0.1 ** 2]);
  });

  it('cosine goes from 1 to minRatio', () => {
    const s = cosine(100, 0.01);
    expect(s(0)).toBe(1);
    expect(s(50)).toBeCloseTo(0.01 + 0.99 * 0.5, 12);
    expect(s(100)).toBeCloseTo(0.01, 12);
    expect(s(150)).toBeCloseTo(0.01, 12);
  });
});
