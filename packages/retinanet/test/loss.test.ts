import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@apdet/backend';
import { LOSS_NAMES, getLoss } from '@apdet/losses';
import { SGD, paramGroups } from '@apdet/nn';
import { boxIouTyped, decodeDeltas, decodeUnitAnchor } from '@apdet/ops';
import { trainStep, type TrainBatch } from '@apdet/detector';
import {
  RetinaNet,
  decodeInUnitFrame,
  getConfig,
  resolveConfig,
  retinaLoss,
  retinaLossInputs,
  targetsForBatch,
} from '../src/index.js';

beforeAll(() => useBackend('cpu'));

/**
 * A very small RetinaNet on 64×64 inputs (504 anchors per image). The anchors are pinned (A = 6)
 * so the learning rates below stay tuned when the tiny preset's anchors change.
 */
const MICRO = resolveConfig(
  getConfig('retinanet-tiny'),
  {
    inputSize: [64, 64],
    backbone: { widthMultiplier: 0.125 },
    fpn: { outChannels: 16 },
    head: { channels: 16, stackedConvs: 1 },
    anchors: { scalesPerOctave: 2, ratios: [0.5, 1, 2] },
  },
  'micro',
);

function syntheticBatch(): TrainBatch {
  const images = tf.tidy(() => tf.randomNormal([2, 64, 64, 3], 0, 1, 'float32', 11)) as tf.Tensor4D;
  return {
    images,
    annotations: [
      { boxes: [6, 8, 30, 28, 34, 30, 60, 62], labels: [1, 4], validShape: [64, 64] },
      { boxes: [10, 12, 22, 40], labels: [0], validShape: [64, 48] },
    ],
  };
}

/** The loss of the current parameters, without updating them. */
function evalLoss(model: RetinaNet, lossName: string, batch: TrainBatch): number {
  const loss = getLoss(lossName);
  const targets = targetsForBatch(model, batch);
  return tf.tidy(
    () =>
      retinaLoss(loss, MICRO.numClasses, model.forward(batch.images), targets, model.boxCoderStds).total.dataSync()[0],
  );
}

describe('RetinaNet loss wiring', () => {
  it('supplies exactly what each registry entry needs, boxes decoded in the unit-anchor frame', () => {
    const model = new RetinaNet(MICRO, { seed: 2 });
    const batch = syntheticBatch();
    const targets = targetsForBatch(model, batch);
    for (const name of ['param-ap', 'focal+l1', 'focal+giou']) {
      const loss = getLoss(name);
      tf.tidy(() => {
        const out = model.forward(batch.images);
        const inputs = retinaLossInputs(loss, MICRO.numClasses, out, targets, model.boxCoderStds);
        const needs = loss.needs('retina');
        expect(inputs.headKind).toBe('retina');
        expect(inputs.logits.shape).toEqual([2 * 504, 6]);
        expect(inputs.labels.dtype).toBe('int32');
        expect(inputs.boxes !== undefined).toBe(needs.boxes);
        expect(inputs.regression !== undefined).toBe(needs.regression);
        if (inputs.boxes) {
          const expected = decodeUnitAnchor(tf.reshape(out.deltas, [-1, 4]) as tf.Tensor2D).dataSync();
          expect(Array.from(inputs.boxes.pred.dataSync())).toEqual(Array.from(expected));
        }
      });
    }
    tf.dispose(batch.images);
    model.dispose();
  });

  it('unit-frame IoU equals the IoU of the same deltas decoded on the real anchors, for any coder stds', () => {
    const anchors = [10, 10, 42, 26, 0, 0, 16, 16];
    const predD = [0.3, -0.2, 0.1, 0.4, -1, 0.5, -0.3, 0.2];
    const tgtD = [0.1, 0.1, -0.2, 0.3, -0.8, 0.2, 0.1, -0.1];
    for (const stds of [
      [0.1, 0.1, 0.2, 0.2],
      [1, 1, 1, 1],
    ] as const) {
      const pixel = [predD, tgtD].map((d) =>
        decodeDeltas(anchors, d, { stds: [...stds] as [number, number, number, number] }),
      );
      const unit = [predD, tgtD].map((d) => tf.tidy(() => decodeInUnitFrame(tf.tensor2d(d, [2, 4]), stds).dataSync()));
      for (let i = 0; i < 2; i++) {
        const sl = (a: ArrayLike<number>) => Array.from(a).slice(4 * i, 4 * i + 4);
        expect(boxIouTyped(sl(unit[0]), sl(unit[1]))[0]).toBeCloseTo(boxIouTyped(sl(pixel[0]), sl(pixel[1]))[0], 5);
      }
    }
  });

  // The forms have very different gradient scales (the hand-crafted PAP forms are flat near a
  // random start, the searched one is steep), so each gets the lr that makes 8 steps informative;
  // a broken wiring (no gradient, wrong targets or signs) fails with any of them.
  const LR: Record<string, number> = {
    'param-ap': 0.003,
    'param-ap:linear': 0.03,
    'param-ap:square': 0.1,
    'param-ap:sigmoid': 0.1,
    'focal+giou': 0.03,
  };

  it.each(LOSS_NAMES.map((n) => [n]))('%s: a few SGD steps on one batch lower the loss', (lossName) => {
    const loss = getLoss(lossName);
    const model = new RetinaNet(MICRO, { loss, seed: 4 });
    const sgd = new SGD(paramGroups(model, { weightDecay: 0 }), { momentum: 0.9 });
    const batch = syntheticBatch();
    const before = evalLoss(model, lossName, batch);
    const parts: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = trainStep(model, sgd, batch, { lr: LR[lossName] ?? 0.01, gradClipNorm: 10, iter: i, seed: 0 });
      expect(Number.isFinite(r.total)).toBe(true);
      expect(r.stats['retina/positives']).toBeGreaterThan(0);
      parts.push(...Object.keys(r.parts));
    }
    const after = evalLoss(model, lossName, batch);
    expect(after).toBeLessThan(before * 0.97);
    if (lossName.startsWith('param-ap')) expect(new Set(parts)).toEqual(new Set(['retina/pap'])); // the only loss term (docs/spec/paper-spec.md §9.1)
    tf.dispose(batch.images);
    sgd.dispose();
    model.dispose();
  });
});
