// The registry entries compute the documented formulas: each total is checked against a
// float64 JS reference built from the baseline references (weights, normalisers, ignored
// samples), the param-ap entries against the dense PAP reference fed with u = (GIoU + 1)/2,
// and GradScale / presets / classifier specs per head kind.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FASTER_RCNN_ROI_PRESET,
  FASTER_RCNN_RPN_PRESET,
  RETINANET_PRESET,
  parameterizedApLossDense,
} from '../../src/pap/index.js';
import {
  classifierBias,
  getLoss,
  HEAD_KINDS,
  LOSS_NAMES,
  targetsFromLabels,
  type DetectionLoss,
  type HeadKind,
} from '../../src/registry/index.js';
import { bceRef, expectClose, focalRef, iouGiouRef, softmaxCeRef } from '../baseline/reference.js';
import { buildInputs, syntheticBatch, type SyntheticBatch } from './synthetic.js';

/** float32 total vs float64 reference: |a − e| ≤ 1e-5·|e| + 1e-6. */
const TOL = { rtol: 1e-5, atol: 1e-6 };

interface Evaluated {
  total: number;
  parts: Record<string, number>;
  logits: number[];
  predBoxes: number[][];
  predDeltas: number[][];
}

function evaluate(loss: DetectionLoss, batch: SyntheticBatch): Evaluated {
  return tf.tidy(() => {
    const k = loss.numLogits(batch.headKind, batch.numClasses);
    const logitValues = Array.from(new Float32Array(batch.logits(k)));
    const inputs = buildInputs(batch, tf.tensor2d(logitValues, [batch.n, k]), tf.tensor2d(batch.deltas, [batch.n, 4]));
    const out = loss.compute(inputs);
    return {
      total: out.total.dataSync()[0],
      parts: Object.fromEntries(Object.entries(out.parts).map(([key, v]) => [key, v.dataSync()[0]])),
      logits: logitValues,
      predBoxes: inputs.boxes!.pred.arraySync(),
      predDeltas: inputs.regression!.pred.arraySync(),
    };
  });
}

/** Plain-JS views of a batch: which rows are positive / valid, and per-row class. */
function rowsOf(batch: SyntheticBatch) {
  const pos = batch.labels.map((l) => l >= 0 && l < batch.numClasses);
  const valid = batch.labels.map((l) => l >= 0);
  const npos = Math.max(1, pos.filter(Boolean).length);
  const nvalid = Math.max(1, valid.filter(Boolean).length);
  return { pos, valid, npos, nvalid };
}

const sumOver = (n: number, f: (i: number) => number) =>
  Array.from({ length: n }, (_, i) => f(i)).reduce((a, b) => a + b, 0);

function sigmoidClsSum(batch: SyntheticBatch, e: Evaluated, perElement: (x: number, t: number) => number): number {
  const { valid } = rowsOf(batch);
  const c = batch.numClasses;
  return sumOver(batch.n, (i) =>
    valid[i] ? sumOver(c, (j) => perElement(e.logits[i * c + j], batch.labels[i] === j ? 1 : 0)) : 0,
  );
}

function l1Sum(batch: SyntheticBatch, e: Evaluated): number {
  const { pos } = rowsOf(batch);
  return sumOver(batch.n, (i) =>
    pos[i] ? sumOver(4, (j) => Math.abs(e.predDeltas[i][j] - batch.targetDeltas[i][j])) : 0,
  );
}

/** Σ over positives of smooth-L1 (0.5 d²/β if |d| < β, else |d| − 0.5β) on the deltas. */
function smoothL1Sum(batch: SyntheticBatch, e: Evaluated, beta: number): number {
  const { pos } = rowsOf(batch);
  return sumOver(batch.n, (i) =>
    pos[i]
      ? sumOver(4, (j) => {
          const d = Math.abs(e.predDeltas[i][j] - batch.targetDeltas[i][j]);
          return d < beta ? (0.5 * d * d) / beta : d - 0.5 * beta;
        })
      : 0,
  );
}

function giouSum(batch: SyntheticBatch, e: Evaluated): number {
  const { pos } = rowsOf(batch);
  return sumOver(batch.n, (i) => (pos[i] ? 1 - iouGiouRef(e.predBoxes[i], batch.gtBoxes[i]).giou : 0));
}

function softmaxRows(
  batch: SyntheticBatch,
  e: Evaluated,
  backgroundWeight: number,
): { sum: number; weightSum: number } {
  const k = batch.numClasses + 1;
  let sum = 0;
  let weightSum = 0;
  batch.labels.forEach((label, i) => {
    if (label < 0) return;
    const w = label === batch.numClasses ? backgroundWeight : 1;
    sum += w * softmaxCeRef(e.logits.slice(i * k, (i + 1) * k), label);
    weightSum += w;
  });
  return { sum, weightSum };
}

describe('registry entries compute the documented formulas (cpu)', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
  });

  const focal = (x: number, t: number) => focalRef(x, t, 0.25, 2);

  it('focal+l1 on retina: focal(α .25, γ 2) over valid pairs / #pos + L1 over positives / #pos', () => {
    const batch = syntheticBatch('retina', { seed: 11 });
    const e = evaluate(getLoss('focal+l1'), batch);
    const { npos } = rowsOf(batch);
    expect(batch.labels.includes(-1)).toBe(true);
    expectClose(
      [e.parts['focal'], e.parts['l1']],
      [sigmoidClsSum(batch, e, focal) / npos, l1Sum(batch, e) / npos],
      TOL,
      'parts',
    );
    expectClose([e.total], [e.parts['focal'] + e.parts['l1']], TOL, 'total = Σ parts');
  });

  it('focal+l1+giou on detr: 2·focal + 5·L1 + 2·GIoU, all / #pos (Deformable DETR)', () => {
    const batch = syntheticBatch('detr', { seed: 12 });
    const e = evaluate(getLoss('focal+l1+giou'), batch);
    const { npos } = rowsOf(batch);
    const expected = [
      (2 * sigmoidClsSum(batch, e, focal)) / npos,
      (5 * l1Sum(batch, e)) / npos,
      (2 * giouSum(batch, e)) / npos,
    ];
    expectClose([e.parts['focal'], e.parts['l1'], e.parts['giou']], expected, TOL, 'parts');
    expectClose([e.total], [expected.reduce((a, b) => a + b)], TOL, 'total');
  });

  it('ce+l1 on roi: softmax CE (background last) + L1, both / #sampled RoIs (mmdet BBoxHead)', () => {
    const batch = syntheticBatch('roi', { seed: 13 });
    const e = evaluate(getLoss('ce+l1'), batch);
    const { nvalid } = rowsOf(batch);
    expectClose(
      [e.parts['ce'], e.parts['l1']],
      [softmaxRows(batch, e, 1).sum / nvalid, l1Sum(batch, e) / nvalid],
      TOL,
      'parts',
    );
  });

  it('ce+giou on roi uses GIoU weight 10 / #sampled; on rpn BCE + L1 / #sampled (the RPN keeps L1)', () => {
    const roi = syntheticBatch('roi', { seed: 14 });
    const er = evaluate(getLoss('ce+giou'), roi);
    expectClose([er.parts['giou']], [(10 * giouSum(roi, er)) / rowsOf(roi).nvalid], TOL, 'roi giou');
    const rpn = syntheticBatch('rpn', { seed: 15 });
    const ep = evaluate(getLoss('ce+giou'), rpn);
    const { nvalid } = rowsOf(rpn);
    expect(Object.keys(ep.parts).sort()).toEqual(['ce', 'l1']);
    expectClose(
      [ep.parts['ce'], ep.parts['l1']],
      [sigmoidClsSum(rpn, ep, bceRef) / nvalid, l1Sum(rpn, ep) / nvalid],
      TOL,
      'rpn parts',
    );
  });

  it("ce+smooth-l1 (torchvision's Faster R-CNN): CE + smooth-L1 β 1/9, both / #sampled, on rpn and roi", () => {
    const loss = getLoss('ce+smooth-l1');
    const rpn = syntheticBatch('rpn', { seed: 19, n: 96 });
    const ep = evaluate(loss, rpn);
    // Not a vacuous check: some deltas differ by more than β and some by less (both branches).
    const diffs = rpn.labels.flatMap((l, i) =>
      l === 0 ? ep.predDeltas[i].map((p, j) => Math.abs(p - rpn.targetDeltas[i][j])) : [],
    );
    expect(Math.min(diffs.filter((d) => d < 1 / 9).length, diffs.filter((d) => d > 1 / 9).length)).toBeGreaterThan(0);
    expect(Object.keys(ep.parts).sort()).toEqual(['ce', 'smooth_l1']);
    const nr = rowsOf(rpn).nvalid;
    expectClose(
      [ep.parts['ce'], ep.parts['smooth_l1']],
      [sigmoidClsSum(rpn, ep, bceRef) / nr, smoothL1Sum(rpn, ep, 1 / 9) / nr],
      TOL,
      'rpn parts',
    );
    const roi = syntheticBatch('roi', { seed: 20 });
    const er = evaluate(loss, roi);
    const nv = rowsOf(roi).nvalid;
    expectClose(
      [er.parts['ce'], er.parts['smooth_l1'], er.total],
      [
        softmaxRows(roi, er, 1).sum / nv,
        smoothL1Sum(roi, er, 1 / 9) / nv,
        (softmaxRows(roi, er, 1).sum + smoothL1Sum(roi, er, 1 / 9)) / nv,
      ],
      TOL,
      'roi parts',
    );
    // β = 1/9 is not plain L1: the same batch under ce+l1 gives a different box term.
    expect(Math.abs(er.parts['smooth_l1'] - evaluate(getLoss('ce+l1'), roi).parts['l1'])).toBeGreaterThan(1e-3);
    expect(loss.classifier('roi')).toEqual({ activation: 'softmax', priorProbability: null });
    expect(loss.classifier('rpn')).toEqual({ activation: 'sigmoid', priorProbability: null });
    expect(loss.needs('roi')).toEqual({ boxes: false, regression: true });
    expect(loss.boxCoderStds('roi')).toEqual([0.1, 0.1, 0.2, 0.2]);
    expect(loss.boxCoderStds('rpn')).toEqual([1, 1, 1, 1]);
  });

  it('ce+giou on detr: class-weighted softmax CE (no-object 0.1) + 2·GIoU / #pos', () => {
    const batch = syntheticBatch('detr', { seed: 16 });
    const e = evaluate(getLoss('ce+giou'), batch);
    const { sum, weightSum } = softmaxRows(batch, e, 0.1);
    expectClose(
      [e.parts['ce'], e.parts['giou']],
      [sum / weightSum, (2 * giouSum(batch, e)) / rowsOf(batch).npos],
      TOL,
      'parts',
    );
  });

  it("ce+l1 on retina: sigmoid BCE / #pos (the focal paper's γ = 0 baseline)", () => {
    const batch = syntheticBatch('retina', { seed: 17 });
    const e = evaluate(getLoss('ce+l1'), batch);
    expectClose([e.parts['ce']], [sigmoidClsSum(batch, e, bceRef) / rowsOf(batch).npos], TOL, 'ce');
  });

  it('--loss-params overrides reach the formula (alpha, gamma, weights, smooth-L1 β)', () => {
    const batch = syntheticBatch('retina', { seed: 18 });
    const loss = getLoss('focal+l1', { params: { alpha: 0.5, gamma: 1, clsWeight: 3, l1Weight: 0.5, l1Beta: 0.25 } });
    const e = evaluate(loss, batch);
    const { npos, pos } = rowsOf(batch);
    const smooth = sumOver(batch.n, (i) =>
      pos[i]
        ? sumOver(4, (j) => {
            const d = Math.abs(e.predDeltas[i][j] - batch.targetDeltas[i][j]);
            return d < 0.25 ? (0.5 * d * d) / 0.25 : d - 0.125;
          })
        : 0,
    );
    expectClose(
      [e.parts['focal'], e.parts['smooth_l1']],
      [(3 * sigmoidClsSum(batch, e, (x, t) => focalRef(x, t, 0.5, 1))) / npos, (0.5 * smooth) / npos],
      TOL,
      'parts',
    );
  });

  const papHeads: [HeadKind, typeof RETINANET_PRESET][] = [
    ['retina', RETINANET_PRESET],
    ['rpn', FASTER_RCNN_RPN_PRESET],
    ['roi', FASTER_RCNN_ROI_PRESET],
    ['detr', RETINANET_PRESET],
  ];
  it.each(papHeads)(
    'param-ap on %s = dense PAP reference with the preset and u = (GIoU+1)/2 of positives',
    (head, preset) => {
      const batch = syntheticBatch(head, { seed: 21 });
      const loss = getLoss('param-ap');
      const e = evaluate(loss, batch);
      const c = batch.numClasses;
      const ious = batch.labels.flatMap((label, i) =>
        Array.from({ length: c }, (_, j) =>
          label === j ? (iouGiouRef(e.predBoxes[i], batch.gtBoxes[i]).giou + 1) / 2 : 0,
        ),
      );
      const expected = tf.tidy(
        () =>
          parameterizedApLossDense(
            tf.tensor2d(e.logits, [batch.n, c]),
            tf.tensor2d(ious, [batch.n, c]),
            targetsFromLabels(tf.tensor1d(batch.labels, 'int32'), c),
            {
              form: 'searched',
              ctrlPoints: preset.ctrlPoints.map((r) => [...r]),
            },
          ).dataSync()[0],
      );
      expectClose([e.total, e.parts['pap']], [expected, expected], TOL, `param-ap ${head}`);
      expect(loss.settings(head)).toMatchObject({
        form: 'searched',
        gradScale: preset.gradScale,
        preset: preset.name,
        ctrlPoints: preset.ctrlPoints,
      });
    },
  );

  it.each(['param-ap:linear', 'param-ap:square', 'param-ap:sigmoid'] as const)(
    '%s = dense PAP reference of that form; grad scale 1',
    (name) => {
      const batch = syntheticBatch('retina', { seed: 22 });
      const loss = getLoss(name);
      const e = evaluate(loss, batch);
      const c = batch.numClasses;
      const ious = batch.labels.flatMap((label, i) =>
        Array.from({ length: c }, (_, j) =>
          label === j ? (iouGiouRef(e.predBoxes[i], batch.gtBoxes[i]).giou + 1) / 2 : 0,
        ),
      );
      const form = name.split(':')[1] as 'linear' | 'square' | 'sigmoid';
      const expected = tf.tidy(
        () =>
          parameterizedApLossDense(
            tf.tensor2d(e.logits, [batch.n, c]),
            tf.tensor2d(ious, [batch.n, c]),
            targetsFromLabels(tf.tensor1d(batch.labels, 'int32'), c),
            { form },
          ).dataSync()[0],
      );
      expectClose([e.total], [expected], TOL, name);
      expect(loss.settings('retina')).toMatchObject({ form, gradScale: 1, ctrlPoints: null, preset: null });
    },
  );

  it('param-ap with quality "iou" feeds u = IoU instead of (GIoU + 1)/2', () => {
    const batch = syntheticBatch('retina', { seed: 24 });
    const e = evaluate(getLoss('param-ap', { params: { quality: 'iou' } }), batch);
    const c = batch.numClasses;
    const ious = batch.labels.flatMap((label, i) =>
      Array.from({ length: c }, (_, j) => (label === j ? iouGiouRef(e.predBoxes[i], batch.gtBoxes[i]).iou : 0)),
    );
    const expected = tf.tidy(
      () =>
        parameterizedApLossDense(
          tf.tensor2d(e.logits, [batch.n, c]),
          tf.tensor2d(ious, [batch.n, c]),
          targetsFromLabels(tf.tensor1d(batch.labels, 'int32'), c),
          {
            form: 'searched',
            ctrlPoints: RETINANET_PRESET.ctrlPoints.map((r) => [...r]),
          },
        ).dataSync()[0],
    );
    expectClose([e.total], [expected], TOL, 'param-ap iou');
    expect(Math.abs(e.total - evaluate(getLoss('param-ap'), batch).total)).toBeGreaterThan(1e-4);
  });

  it('GradScale: box gradients are w times those with w = 1, logit gradients unchanged, value unchanged', () => {
    const batch = syntheticBatch('roi', { seed: 23 });
    const grads = (loss: DetectionLoss) =>
      tf.tidy(() => {
        const k = loss.numLogits('roi', batch.numClasses);
        const f = (l: tf.Tensor, d: tf.Tensor) =>
          loss.compute(buildInputs(batch, l as tf.Tensor2D, d as tf.Tensor2D)).total;
        const { value, grads: g } = tf.valueAndGrads(f)([
          tf.tensor2d(batch.logits(k), [batch.n, k]),
          tf.tensor2d(batch.deltas, [batch.n, 4]),
        ]);
        return {
          value: value.dataSync()[0],
          logits: Array.from(g[0].dataSync()),
          deltas: Array.from(g[1].dataSync()),
        };
      });
    const scaled = grads(getLoss('param-ap'));
    const unit = grads(getLoss('param-ap', { params: { gradScale: 1 } }));
    expect(scaled.value).toBe(unit.value);
    expect(scaled.logits).toEqual(unit.logits);
    expect(unit.deltas.some((g) => Math.abs(g) > 1e-4)).toBe(true);
    expectClose(
      scaled.deltas,
      unit.deltas.map((g) => g * FASTER_RCNN_ROI_PRESET.gradScale),
      { rtol: 1e-5, atol: 1e-9 },
      'scaled box gradients',
    );
  });

  it('classifier specs: sigmoid C logits except softmax C+1 for CE on roi/detr; priors as documented', () => {
    const spec = (name: string, head: HeadKind) => ({
      ...getLoss(name).classifier(head),
      k: getLoss(name).numLogits(head, 80),
    });
    expect(spec('param-ap', 'retina')).toEqual({ activation: 'sigmoid', priorProbability: 0.01, k: 80 });
    expect(spec('param-ap', 'rpn')).toEqual({ activation: 'sigmoid', priorProbability: 0.01, k: 80 });
    expect(spec('param-ap', 'roi')).toEqual({ activation: 'sigmoid', priorProbability: null, k: 80 });
    expect(spec('ce+l1', 'roi')).toEqual({ activation: 'softmax', priorProbability: null, k: 81 });
    expect(spec('ce+giou', 'detr')).toEqual({ activation: 'softmax', priorProbability: null, k: 81 });
    expect(spec('ce+l1', 'rpn')).toEqual({ activation: 'sigmoid', priorProbability: null, k: 80 });
    expect(spec('focal+giou', 'detr')).toEqual({ activation: 'sigmoid', priorProbability: 0.01, k: 80 });
    expect(classifierBias(getLoss('param-ap').classifier('retina'))).toBeCloseTo(-Math.log(99), 12);
    expect(classifierBias(getLoss('ce+l1').classifier('roi'))).toBe(0);
  });

  it('box coder stds: PAP 0.1/0.2 on every head (docs/spec/paper-spec.md §9.1–9.2); baselines 1 on anchor heads, 0.1/0.2 on the RoI head (§10.2, mmdet)', () => {
    const pap = [0.1, 0.1, 0.2, 0.2];
    for (const head of ['retina', 'rpn', 'roi'] as const)
      expect(getLoss('param-ap:linear').boxCoderStds(head)).toEqual(pap);
    for (const name of ['focal+l1', 'focal+giou', 'ce+l1']) {
      expect(getLoss(name).boxCoderStds('retina')).toEqual([1, 1, 1, 1]);
      expect(getLoss(name).boxCoderStds('rpn')).toEqual([1, 1, 1, 1]);
      expect(getLoss(name).boxCoderStds('roi')).toEqual(pap);
    }
  });

  it('scores: sigmoid probabilities, or softmax with the background column dropped', () => {
    const logits = tf.tensor2d([
      [0, 1, 2],
      [3, -1, 0],
    ]);
    const soft = getLoss('ce+l1').scores('roi', logits).arraySync();
    expect(soft[0].length).toBe(2);
    const e = [Math.exp(0), Math.exp(1), Math.exp(2)];
    expect(soft[0][1]).toBeCloseTo(e[1] / (e[0] + e[1] + e[2]), 6);
    expect(getLoss('param-ap').scores('retina', logits).arraySync()[1][0]).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
  });

  it('needs: what each entry reads per head', () => {
    expect(getLoss('param-ap').needs('retina')).toEqual({ boxes: true, regression: false });
    expect(getLoss('focal+l1').needs('retina')).toEqual({ boxes: false, regression: true });
    expect(getLoss('focal+giou').needs('roi')).toEqual({ boxes: true, regression: false });
    expect(getLoss('focal+giou').needs('rpn')).toEqual({ boxes: false, regression: true });
    expect(getLoss('ce+l1+giou').needs('detr')).toEqual({ boxes: true, regression: true });
  });

  it('rejects malformed inputs with errors naming the loss, head and field', () => {
    const batch = syntheticBatch('roi', { seed: 1 });
    const loss = getLoss('ce+giou');
    const good = buildInputs(batch, tf.zeros([batch.n, 4]) as tf.Tensor2D, tf.zeros([batch.n, 4]) as tf.Tensor2D);
    expect(() => loss.compute({ ...good, logits: tf.zeros([batch.n, 3]) as tf.Tensor2D })).toThrow(
      /ce\+giou.*roi.*logits must be \[N, 4\] \(softmax classifier, 3 classes\)/,
    );
    expect(() => loss.compute({ ...good, boxes: undefined })).toThrow(/needs inputs\.boxes/);
    expect(() => loss.compute({ ...good, labels: tf.zeros([batch.n]) as tf.Tensor1D })).toThrow(/labels must be int32/);
    expect(() =>
      getLoss('focal+l1').compute({
        ...good,
        logits: tf.zeros([batch.n, 3]) as tf.Tensor2D,
        regression: { pred: tf.zeros([batch.n, 4]) as tf.Tensor2D, target: tf.zeros([2, 4]) as tf.Tensor2D },
      }),
    ).toThrow(/regression\.target must be/);
  });

  it('targetsFromLabels: one-hot positives, 0 negatives, −1 rows for ignored; RPN (C = 1)', () => {
    expect(targetsFromLabels(tf.tensor1d([2, 3, -1, 0], 'int32'), 3).arraySync()).toEqual([
      [0, 0, 1],
      [0, 0, 0],
      [-1, -1, -1],
      [1, 0, 0],
    ]);
    expect(targetsFromLabels(tf.tensor1d([0, 1, -1], 'int32'), 1).arraySync()).toEqual([[1], [0], [-1]]);
  });

  it.each(LOSS_NAMES.map((n) => [n]))(
    '%s: parts sum to total on every head, and compute leaves no tensor behind',
    (name) => {
      const loss = getLoss(name);
      for (const head of HEAD_KINDS) {
        const batch = syntheticBatch(head, { seed: 31 });
        const k = loss.numLogits(head, batch.numClasses);
        const inputs = buildInputs(
          batch,
          tf.tensor2d(batch.logits(k), [batch.n, k]),
          tf.tensor2d(batch.deltas, [batch.n, 4]),
        );
        const before = tf.memory().numTensors;
        const { total, parts } = loss.compute(inputs);
        expect(tf.memory().numTensors).toBe(before + 1 + Object.keys(parts).length);
        const sum = Object.values(parts).reduce((a, p) => a + p.dataSync()[0], 0);
        expectClose([total.dataSync()[0]], [sum], TOL, `${name} ${head} parts`);
        tf.dispose([total, ...Object.values(parts)]);
        expect(tf.memory().numTensors).toBe(before);
      }
    },
  );
});
