import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@apdet/backend';
import type { TrainBatch } from '@apdet/detector';
import { fixedBatch } from '@apdet/detector/conformance';
import { getLoss } from '@apdet/losses';
import { valueAndGrads } from '@apdet/nn';
import { boxIouTyped, decodeDeltas } from '@apdet/ops';
import { Rng } from '@apdet/rng';
import { FasterRCNN, decodeInAnchorFrame, getConfig, resolveConfig, roiLossInputs } from '../src/index.js';

beforeAll(() => useBackend('cpu'));

const SIZE = 64;

function smallModel(loss: string): FasterRCNN {
  const config = resolveConfig(
    getConfig('faster-rcnn-tiny'),
    { inputSize: [SIZE, SIZE], fpn: { outChannels: 16 }, rpn: { channels: 16 }, roi: { fcChannels: 32 } },
    'test',
  );
  return new FasterRCNN(config, { loss: getLoss(loss), seed: 2 });
}

/** computeLoss read back: parts and total as numbers, stats as given. */
function lossOf(model: FasterRCNN, batch: TrainBatch, iter = 0) {
  return tf.tidy(() => {
    const out = model.computeLoss(batch, { iter, seed: 0 });
    const parts = Object.fromEntries(Object.entries(out.parts).map(([k, v]) => [k, v.dataSync()[0]]));
    return { total: out.total.dataSync()[0], parts, stats: out.stats };
  });
}

describe('Faster R-CNN loss wiring', () => {
  let batch: TrainBatch;
  beforeAll(() => {
    batch = fixedBatch(2, SIZE, 6).batch;
  });
  afterAll(() => batch.images.dispose());

  for (const [loss, names] of [
    ['ce+l1', ['rpn/ce', 'rpn/l1', 'roi/ce', 'roi/l1']],
    ['ce+giou', ['rpn/ce', 'rpn/l1', 'roi/ce', 'roi/giou']],
    ['param-ap', ['rpn/pap', 'roi/pap']],
  ] as const) {
    it(`${loss}: parts ${names.join(', ')} summing to the total, and the sample stats`, () => {
      const model = smallModel(loss);
      const r = lossOf(model, batch);
      expect(Object.keys(r.parts)).toEqual(names);
      const sum = Object.values(r.parts).reduce((s, v) => s + v, 0);
      expect(Math.abs(r.total - sum)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(r.total)));
      expect(Number.isFinite(r.total)).toBe(true);
      expect(Object.keys(r.stats).sort()).toEqual(['roi/positives', 'roi/samples', 'rpn/positives']);
      expect(r.stats['rpn/positives']).toBeGreaterThan(0);
      expect(r.stats['roi/positives']).toBeLessThanOrEqual(r.stats['roi/samples']);
      const proposalsPerImage = model.config.rpn.train.postNmsTopN;
      if (loss === 'param-ap') {
        // PseudoSampler: every proposal, no GT added (at most postNmsTopN per image).
        expect(r.stats['roi/samples']).toBeLessThanOrEqual(2 * proposalsPerImage);
      } else {
        // RandomSampler 512 / 0.25 with the GT boxes added: every GT is a positive RoI.
        const gts = batch.annotations.reduce((n, a) => n + a.labels.length, 0);
        expect(r.stats['roi/positives']).toBeGreaterThanOrEqual(gts);
        expect(r.stats['roi/samples']).toBeLessThanOrEqual(2 * (proposalsPerImage + gts));
      }
      // Sampling is keyed by (seed, iter, image): the same step gives the same loss.
      expect(lossOf(model, batch).total).toBe(r.total);
      model.dispose();
    });
  }

  it('trains images without any GT box (negatives only): finite loss and gradients', () => {
    for (const loss of ['ce+l1', 'param-ap']) {
      const model = smallModel(loss);
      const empty: TrainBatch = {
        images: batch.images,
        annotations: [
          batch.annotations[0],
          { boxes: new Float32Array(0), labels: new Int32Array(0), validShape: [SIZE, SIZE] },
        ],
      };
      let stats: Record<string, number> = {};
      const { value, grads } = valueAndGrads(model.trainableParameters(), () => {
        const out = model.computeLoss(empty, { iter: 0, seed: 0 });
        stats = out.stats;
        return out.total;
      });
      expect(Number.isFinite(value.dataSync()[0]), loss).toBe(true);
      for (const [name, g] of grads) expect(tf.all(tf.isFinite(g)).dataSync()[0], `${loss} ${name}`).toBe(1);
      expect(stats['roi/samples']).toBeGreaterThan(0);
      tf.dispose([value, ...grads.values()]);
      // A batch with no GT at all: nothing is positive anywhere.
      const none: TrainBatch = { images: batch.images, annotations: [empty.annotations[1], empty.annotations[1]] };
      const r = lossOf(model, none);
      expect(Number.isFinite(r.total), loss).toBe(true);
      expect([r.stats['rpn/positives'], r.stats['roi/positives']]).toEqual([0, 0]);
      model.dispose();
    }
  });

  it('roi inputs: the GT class slice as regression, decoded on its RoI in image coordinates as boxes', () => {
    const c = 3;
    const stds = [0.1, 0.1, 0.2, 0.2] as const;
    const rng = Rng.from(4);
    const k = 4;
    const rois = Float32Array.from({ length: 4 * k }, (_, i) => (i % 4 < 2 ? 10 + 3 * i : 60 + 2 * i));
    const headDeltas = Float32Array.from({ length: k * c * 4 }, () => rng.uniform(-1, 1));
    const labels = Int32Array.from([1, 0, c, 2]);
    const targets = {
      rois,
      labels,
      deltas: Float32Array.from({ length: 4 * k }, () => rng.uniform(-1, 1)),
      gtBoxes: Float32Array.from({ length: 4 * k }, (_, i) => (i % 4 < 2 ? 12 + i : 70 + i)),
      numPositives: 3,
    };
    for (const loss of ['ce+l1', 'param-ap']) {
      const inputs = tf.tidy(() => {
        const head = {
          logits: tf.zeros([k, loss === 'ce+l1' ? c + 1 : c]) as tf.Tensor2D,
          deltas: tf.tensor2d(headDeltas, [k, 4 * c]),
        };
        const x = roiLossInputs(getLoss(loss), c, head, targets, stds);
        return {
          // [] where the loss does not need the input (tidy cannot return null).
          regression: x.regression ? x.regression.pred.arraySync() : [],
          boxes: x.boxes ? x.boxes.pred.arraySync() : [],
          target: x.boxes ? x.boxes.target.arraySync() : [],
          labels: x.labels.arraySync(),
        };
      });
      expect(inputs.labels).toEqual(Array.from(labels));
      // The slice each RoI's class picks; background rows are zeros (ignored by the losses).
      const slice = Array.from(labels, (l, r) =>
        l < c ? Array.from(headDeltas.subarray(r * 4 * c + 4 * l, r * 4 * c + 4 * l + 4)) : [0, 0, 0, 0],
      );
      if (loss === 'ce+l1') {
        expect(inputs.boxes).toEqual([]);
        inputs.regression.flat().forEach((v, i) => expect(v).toBeCloseTo(slice.flat()[i], 6));
      } else {
        expect(inputs.regression).toEqual([]);
        // Independent reference: @apdet/ops' float64 typed decoder (no clipping), 1e-4 px.
        const expected = decodeDeltas(rois, slice.flat(), { stds });
        inputs.boxes.flat().forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-4));
        expect(inputs.target.flat()).toEqual(Array.from(targets.gtBoxes));
      }
    }
  });

  it('rpn boxes decoded in the anchor frame have the IoU of the boxes decoded on the anchors', () => {
    const rng = Rng.from(9);
    for (const stds of [
      [0.1, 0.1, 0.2, 0.2],
      [1, 1, 1, 1],
    ] as const) {
      const n = 32;
      const anchors = Float64Array.from({ length: 4 * n }, (_, i) => (i % 4 < 2 ? 4 * i : 4 * i + 20 + (i % 7)));
      const a = Float32Array.from({ length: 4 * n }, () => rng.uniform(-2, 2));
      const b = Float32Array.from({ length: 4 * n }, () => rng.uniform(-2, 2));
      const [pa, pb] = tf.tidy(() =>
        [a, b].map((d) => decodeInAnchorFrame(tf.tensor2d(d, [n, 4]), stds).dataSync() as Float32Array),
      );
      const onAnchors = (d: Float32Array) => decodeDeltas(anchors, d, { stds });
      const ia = onAnchors(a);
      const ib = onAnchors(b);
      for (let i = 0; i < n; i++) {
        const ref = boxIouTyped(ia.subarray(4 * i, 4 * i + 4), ib.subarray(4 * i, 4 * i + 4))[0];
        const got = boxIouTyped(pa.subarray(4 * i, 4 * i + 4), pb.subarray(4 * i, 4 * i + 4))[0];
        // float32 unit-frame boxes vs float64 pixel boxes: 1e-5 absolute on IoU.
        expect(Math.abs(got - ref)).toBeLessThan(1e-5);
      }
    }
  });
});
