import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@apdet/backend';
import { getLoss } from '@apdet/losses';
import { FasterRCNN, classSpecificDeltas, getConfig } from '../src/index.js';

beforeAll(() => useBackend('cpu'));

const std = (values: Float32Array | Int32Array | Uint8Array): number =>
  Math.sqrt(Array.from(values).reduce((s, v) => s + v * v, 0) / values.length);

describe('FasterRCNN model', () => {
  it('tiny: P3–P5 features, RPN outputs in the anchor order, RoI head [K, K_logits] and [K, C·4]', () => {
    const config = getConfig('faster-rcnn-tiny');
    const model = new FasterRCNN(config, { loss: getLoss('ce+l1'), seed: 1 });
    const images = tf.randomNormal([2, 128, 128, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const rois = {
      boxes: Float32Array.from([4, 4, 60, 40, 10, 20, 30, 30, 0, 0, 128, 128]),
      imageIndex: Int32Array.from([0, 1, 1]),
    };
    const out = tf.tidy(() => {
      const pyramid = model.features(images);
      const rpn = model.rpnHead.forward(pyramid);
      const head = model.roiHead.forward(model.roiFeatures(pyramid), rois);
      // Level 1 computed on its own equals its slice of the concatenated outputs.
      const { levelStart } = model.anchors(128, 128);
      const alone = model.rpnHead.forward([pyramid[1]]).logits;
      const slice = tf.slice(rpn.logits, [0, levelStart[1]], [2, levelStart[2] - levelStart[1]]);
      return {
        sizes: pyramid.map((p) => p.shape.slice(1)),
        logits: rpn.logits.shape,
        deltas: rpn.deltas.shape,
        cls: head.logits.shape,
        reg: head.deltas.shape,
        levelDiff: tf.max(tf.abs(tf.sub(alone, slice))).dataSync()[0],
      };
    });
    images.dispose();
    const t = (16 * 16 + 8 * 8 + 4 * 4) * 3;
    expect(out.sizes).toEqual([
      [16, 16, 32],
      [8, 8, 32],
      [4, 4, 32],
    ]);
    expect(out.logits).toEqual([2, t]);
    expect(out.deltas).toEqual([2, t, 4]);
    expect(model.anchors(128, 128).anchors.length).toBe(4 * t);
    expect(out.cls).toEqual([3, 7]); // softmax over 6 classes + background (ce+l1)
    expect(out.reg).toEqual([3, 24]);
    expect(out.levelDiff).toBe(0);
    model.dispose();
  });

  it('sizes the RoI classifier from the loss registry: sigmoid C for param-ap, softmax C + 1 for CE', () => {
    const config = getConfig('faster-rcnn-tiny');
    for (const [loss, k] of [
      ['param-ap', 6],
      ['ce+l1', 7],
      ['ce+giou', 7],
      ['focal+l1', 6],
    ] as const) {
      const model = new FasterRCNN(config, { loss: getLoss(loss), seed: 0 });
      expect(model.roiHead.bboxHead.fcCls.weight.shape, loss).toEqual([128, k]);
      model.dispose();
    }
  });

  it('names parameters backbone.*, neck.*, rpn_head.* and roi_head.bbox_head.*', () => {
    const model = new FasterRCNN(getConfig('faster-rcnn-tiny'), { seed: 0 });
    const names = model.namedParameters().map(([n]) => n);
    expect(names.filter((n) => !/^(backbone|neck|rpn_head|roi_head\.bbox_head)\./.test(n))).toEqual([]);
    for (const name of [
      'rpn_head.rpn_conv.weight',
      'rpn_head.rpn_cls.bias',
      'rpn_head.rpn_reg.weight',
      'roi_head.bbox_head.shared_fcs.0.weight',
      'roi_head.bbox_head.shared_fcs.1.bias',
      'roi_head.bbox_head.fc_cls.weight',
      'roi_head.bbox_head.fc_reg.weight',
    ])
      expect(names).toContain(name);
    expect(model.heads).toEqual(['rpn', 'roi']);
    model.dispose();
  });

  it('initialises the heads as mmdet: RPN N(0, 0.01) with the loss prior, fc_cls N(0, 0.01), fc_reg N(0, 0.001)', () => {
    const pap = new FasterRCNN(getConfig('faster-rcnn-tiny'), { loss: getLoss('param-ap'), seed: 3 });
    // The PAP RPN uses the prior 0.01 (paper-spec §9.2), the CE RPN bias 0.
    expect(pap.rpnHead.rpnCls.bias!.variable.dataSync()[0]).toBeCloseTo(-Math.log(99), 5);
    const rpnStd = std(pap.rpnHead.rpnConv.weight.variable.dataSync());
    expect(rpnStd).toBeGreaterThan(0.009);
    expect(rpnStd).toBeLessThan(0.011);
    const { fcCls, fcReg } = pap.roiHead.bboxHead;
    const clsStd = std(fcCls.weight.variable.dataSync());
    const regStd = std(fcReg.weight.variable.dataSync());
    // 768 and 3072 draws: the sample std is within ±10 % of σ with overwhelming probability.
    expect(clsStd).toBeGreaterThan(0.009);
    expect(clsStd).toBeLessThan(0.011);
    expect(regStd).toBeGreaterThan(0.0009);
    expect(regStd).toBeLessThan(0.0011);
    expect(Math.max(...fcCls.bias!.variable.dataSync(), ...fcReg.bias!.variable.dataSync())).toBe(0);
    pap.dispose();
    const ce = new FasterRCNN(getConfig('faster-rcnn-tiny'), { loss: getLoss('ce+l1'), seed: 3 });
    expect(Array.from(ce.rpnHead.rpnCls.bias!.variable.dataSync())).toEqual([0, 0, 0]);
    ce.dispose();
  });

  it("classSpecificDeltas picks each RoI's own class's 4 columns, and only those get a gradient", () => {
    const c = 3;
    // Entry (r, j) = 100·r + j: the picked row of RoI r with class l must read 100r + 4l … 100r + 4l + 3.
    const values = Float32Array.from({ length: 4 * 4 * c }, (_, i) => 100 * Math.floor(i / (4 * c)) + (i % (4 * c)));
    const deltas = tf.tensor2d(values, [4, 4 * c]);
    const labels = tf.tensor1d([2, 0, c, 1], 'int32'); // RoI 2 is background: zeros
    const picked = classSpecificDeltas(deltas, labels, c).arraySync();
    expect(picked).toEqual([
      [8, 9, 10, 11],
      [100, 101, 102, 103],
      [0, 0, 0, 0],
      [304, 305, 306, 307],
    ]);
    const grad = tf.grad((d: tf.Tensor) => tf.sum(classSpecificDeltas(d as tf.Tensor2D, labels, c)))(deltas);
    const mask = grad.arraySync() as number[][];
    const expected = [2, 0, -1, 1].map((l) =>
      Array.from({ length: 4 * c }, (_, j) => (l >= 0 && j >> 2 === l ? 1 : 0)),
    );
    expect(mask).toEqual(expected);
    tf.dispose([deltas, labels, grad]);
  });
});
