// Invariants O1–O18 of docs/spec/paper-spec.md §13 (O19–O21 concern the search, package
// @apdet/search; O22, the GIoU mapping, is in test/baseline/iou.test.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  FASTER_RCNN_ROI_PRESET,
  FASTER_RCNN_RPN_PRESET,
  PAP_PRESETS,
  RETINANET_PRESET,
  evaluateCtrlPoints,
  parameterizedApLoss,
  parameterizedApLossDense,
  presetCtrlPoints,
  type PapLossOptions,
} from '../../src/index.js';
import { lossAndGrads, randomProblem } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Result = { loss: number; gradLogits: Float32Array; gradIous: Float32Array };

/** Loss and gradients from the fast path and from the dense reference. */
function both(
  logits: number[] | Float32Array,
  ious: number[] | Float32Array,
  targets: number[] | Int32Array,
  options: PapLossOptions,
): [Result, Result] {
  const l = tf.tensor(Array.from(logits));
  const u = tf.tensor(Array.from(ious));
  const t = tf.tensor(Array.from(targets), undefined, 'int32');
  const fast = lossAndGrads((a, b) => parameterizedApLoss(a, b, t, options), l, u);
  const dense = lossAndGrads((a, b) => parameterizedApLossDense(a, b, t, options), l, u);
  tf.dispose([l, u, t]);
  return [fast, dense];
}

function expectLoss(
  logits: number[],
  ious: number[],
  targets: number[],
  options: PapLossOptions,
  expected: number,
  tol = 1e-6,
): [Result, Result] {
  const results = both(logits, ious, targets, options);
  for (const r of results) expect(Math.abs(r.loss - expected)).toBeLessThanOrEqual(tol);
  return results;
}

const linear: PapLossOptions = { form: 'linear' };
const retina: PapLossOptions = { form: 'searched', ctrlPoints: presetCtrlPoints(RETINANET_PRESET) };
const O8 = {
  logits: [2, -1, 0.5, 1.5, -0.5, 0, 1, -2],
  targets: [1, 0, 0, 1, -1, -1, 0, 0],
  ious: [0.9, 0, 0, 0.6, 0, 0, 0, 0],
};

describe('docs/spec/paper-spec.md §13 invariants', () => {
  it('O1: perfect ranking and perfect box give 0 (linear)', () => {
    expectLoss([0, -2], [1, 0], [1, 0], linear, 0);
  });
  it('O2: a negative one logit above a perfect positive gives 2/3 (linear)', () => {
    expectLoss([0, 2], [1, 0], [1, 0], linear, 2 / 3);
  });
  it('O3: a lone positive gives 1 − u² (linear)', () => {
    expectLoss([0], [0.5], [1], linear, 0.75);
    expectLoss([0], [0.3], [1], linear, 1 - 0.09);
  });
  it('O4: a tie with a negative gives 0.5 (linear)', () => {
    expectLoss([0, 0], [1, 0], [1, 0], linear, 0.5);
  });
  it('O5: sigmoid lone positive gives (1 − σ(1)) + σ(1)(1 − σ(1))', () => {
    const s = 1 / (1 + Math.exp(-1));
    expectLoss([0], [1], [1], { form: 'sigmoid' }, 1 - s + s * (1 - s));
    expect(1 - s + s * (1 - s)).toBeCloseTo(0.4655533, 6);
  });
  it('O5b: square lone positive gives 1 − u⁴', () => {
    expectLoss([0], [0.5], [1], { form: 'square' }, 0.9375);
  });
  it('O6: searched with the identity ctrl equals linear on any input', () => {
    const identity = [0, 0, 0.2, 0.2, 0.4, 0.4, 0.6, 0.6, 0.8, 0.8, 1, 1];
    const p = randomProblem(300, 6);
    const [lin] = both(p.logits, p.ious, p.targets, linear);
    const [srch, srchDense] = both(p.logits, p.ious, p.targets, {
      form: 'searched',
      ctrlPoints: Array.from({ length: 5 }, () => identity),
    });
    for (const r of [srch, srchDense]) {
      expect(Math.abs(r.loss - lin.loss)).toBeLessThanOrEqual(1e-6);
      r.gradLogits.forEach((g, i) => expect(Math.abs(g - lin.gradLogits[i])).toBeLessThanOrEqual(1e-6));
      r.gradIous.forEach((g, i) => expect(Math.abs(g - lin.gradIous[i])).toBeLessThanOrEqual(1e-6));
    }
  });
  it('O7: logits and ious of ignored pairs change nothing and get zero gradient', () => {
    const p = randomProblem(200, 7, { ignoreRate: 0.3 });
    const [a] = both(p.logits, p.ious, p.targets, retina);
    const logits = p.logits.map((v, i) => (p.targets[i] === -1 ? v * 7 + 3 : v));
    const ious = p.ious.map((v, i) => (p.targets[i] === -1 ? 0.77 : v));
    const [b] = both(logits, ious, p.targets, retina);
    expect(b.loss).toBe(a.loss);
    p.targets.forEach((t, i) => {
      if (t === -1) expect([b.gradLogits[i], b.gradIous[i]]).toEqual([0, 0]);
    });
  });
  it('O8: the 4×2 example in every form', () => {
    const { logits, ious, targets } = O8;
    expectLoss(logits, ious, targets, linear, 0.445);
    expectLoss(logits, ious, targets, { form: 'square' }, 0.5961571);
    expectLoss(logits, ious, targets, { form: 'sigmoid' }, 0.6959098);
    expectLoss(logits, ious, targets, retina, 0.5289649);
  });
  it('O9: top-K is strict (>) and cuts rows only', () => {
    const { logits, ious, targets } = O8;
    expectLoss(logits, ious, targets, { form: 'linear', topK: 2 }, 0.406);
    expectLoss(logits, ious, targets, { form: 'linear', topK: 1 }, 0.325);
    expectLoss(logits, ious, targets, { form: 'linear', topK: 3 }, 0.445);
  });
  it('O10: gradients of the two-pair example, with the denominator frozen', () => {
    for (const r of expectLoss([0, 0.5], [1, 0], [1, 0], linear, 0.6)) {
      expect(r.gradLogits[0]).toBeCloseTo(-0.4, 6);
      expect(r.gradLogits[1]).toBeCloseTo(0.4, 6);
      expect(r.gradIous[0]).toBeCloseTo(-0.8, 6);
    }
  });
  it('O11: collapse example gives 0.9166667 (linear)', () => {
    expectLoss([0, 0, 3, 3], [0.3, 0.7, 0, 0], [1, 1, 0, 0], linear, 0.9166667);
  });
  it('O12: RetinaNet preset examples (5 rows and the 4-row exact-step variant)', () => {
    expectLoss([0], [0.7], [1], retina, 0.6621773);
    expectLoss([0, 0.3], [0.8, 0], [1, 0], retina, 0.5685516);
    const fourRows = { form: 'searched' as const, ctrlPoints: presetCtrlPoints(RETINANET_PRESET).slice(0, 4) };
    expectLoss([0, 0.3], [0.8, 0], [1, 0], fourRows, 0.5515376);
  });
  it('O15: bounds — closed forms in [0,1]; searched ≥ 0; presets monotone with f(0)=0, f(1)=1', () => {
    for (let seed = 0; seed < 4; seed++) {
      const p = randomProblem(150, 100 + seed, { spread: 2 });
      for (const form of ['linear', 'square', 'sigmoid'] as const) {
        const [r] = both(p.logits, p.ious, p.targets, { form });
        expect(r.loss).toBeGreaterThanOrEqual(0);
        expect(r.loss).toBeLessThanOrEqual(1);
      }
      for (const preset of Object.values(PAP_PRESETS)) {
        const [r] = both(p.logits, p.ious, p.targets, { form: 'searched', ctrlPoints: presetCtrlPoints(preset) });
        expect(r.loss).toBeGreaterThanOrEqual(0);
      }
    }
    for (const preset of [RETINANET_PRESET, FASTER_RCNN_RPN_PRESET, FASTER_RCNN_ROI_PRESET]) {
      for (const row of preset.ctrlPoints) {
        expect(evaluateCtrlPoints(row, 0)).toBe(0);
        expect(evaluateCtrlPoints(row, 1)).toBeCloseTo(1, 12);
        let prev = -Infinity;
        for (let x = 0; x <= 1.0000001; x += 0.001) {
          const y = evaluateCtrlPoints(row, Math.min(x, 1));
          expect(y).toBeGreaterThanOrEqual(prev - 1e-12);
          prev = y;
        }
      }
    }
  });
  it('O16: negatives get ∂L/∂s ≥ 0; the self-pair gradient is 0; H1 is detached', () => {
    const p = randomProblem(300, 16, { spread: 1 });
    for (const options of [linear, retina, { form: 'square' as const }, { form: 'sigmoid' as const }]) {
      const [fast, dense] = both(p.logits, p.ious, p.targets, options);
      for (const r of [fast, dense]) {
        p.targets.forEach((t, i) => {
          if (t === 0) expect(r.gradLogits[i]).toBeGreaterThanOrEqual(0);
        });
      }
    }
    // A lone positive only pairs with itself: no logit gradient at all.
    for (const options of [linear, retina, { form: 'square' as const }, { form: 'sigmoid' as const }]) {
      for (const r of both([0.3], [0.6], [1], options)) expect(Math.abs(r.gradLogits[0])).toBeLessThan(1e-7);
    }
    // Detached H1: with H1 differentiated, ∂L/∂s_neg in O10 would be the finite difference
    // of the full loss, 0.5·0.5/1.5625 = 0.16; the frozen-denominator value is 0.4.
    const h = 1e-3;
    const lossAt = (s: number) => both([0, s], [1, 0], [1, 0], linear)[0].loss;
    const fd = (lossAt(0.5 + h) - lossAt(0.5 - h)) / (2 * h);
    expect(fd).toBeCloseTo(0.16, 3);
    expect(both([0, 0.5], [1, 0], [1, 0], linear)[0].gradLogits[1]).toBeCloseTo(0.4, 6);
  });
  it('zero positives: loss 0 with zero gradients', () => {
    for (const options of [linear, retina, { form: 'sigmoid' as const }]) {
      for (const r of both([0.5, -1, 2], [0, 0, 0], [0, -1, 0], options)) {
        expect(r.loss).toBe(0);
        expect(Array.from(r.gradLogits)).toEqual([0, 0, 0]);
        expect(Array.from(r.gradIous)).toEqual([0, 0, 0]);
      }
    }
  });
});
