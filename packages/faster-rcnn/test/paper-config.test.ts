/**
 * The paper's config `faster-rcnn-r50-fpn-512` (issue [I] CI: "the paper config builds and takes
 * one step at reduced size"): the R50-FPN architecture kept — depth 50 with its [3, 4, 6, 3]
 * blocks, frozen stem + layer1, frozen BN statistics, P2–P6, anchors scale 8 on strides 4–64,
 * 7×7 RoIAlign on P2–P5, its proposal counts and samplers — with only the widths the config
 * exposes shrunk (backbone width ⅛, FPN/RPN 16 channels, FC 32) at 64×64, batch 1, so one SGD
 * step with the paper's optimiser settings runs in seconds on cpu.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@apdet/backend';
import { trainStep } from '@apdet/detector';
import { fixedBatch } from '@apdet/detector/conformance';
import { getLoss } from '@apdet/losses';
import { SGD, paramGroups } from '@apdet/nn';
import { FASTER_RCNN_SPEC, type FasterRCNN } from '../src/index.js';

beforeAll(() => useBackend('cpu'));

const SIZE = 64;
const REDUCED = {
  inputSize: [SIZE, SIZE],
  backbone: { widthMultiplier: 0.125 },
  fpn: { outChannels: 16 },
  rpn: { channels: 16 },
  roi: { fcChannels: 32 },
  train: { batchSize: 1 },
};

/** Every parameter and buffer's values, by name. */
function snapshot(model: FasterRCNN): Map<string, Float32Array> {
  return new Map(model.namedParameters().map(([name, p]) => [name, p.variable.dataSync() as Float32Array]));
}

describe('faster-rcnn-r50-fpn-512 at reduced size', () => {
  for (const lossName of ['param-ap', 'ce+l1']) {
    it(`${lossName}: builds with the paper's architecture and takes one SGD step`, () => {
      const paper = FASTER_RCNN_SPEC.preset('faster-rcnn-r50-fpn-512');
      const config = FASTER_RCNN_SPEC.resolveConfig(paper, REDUCED, 'reduced paper config');
      // Only widths, input and batch changed: every other field is the paper's.
      const { inputSize, backbone, fpn, rpn, roi, train, ...rest } = config;
      const { inputSize: _i, backbone: pb, fpn: pf, rpn: pr, roi: pq, train: pt, ...paperRest } = paper;
      expect(rest).toEqual(paperRest);
      expect(inputSize).toEqual([SIZE, SIZE]);
      expect({ ...backbone, widthMultiplier: 1 }).toEqual(pb);
      expect({ ...fpn, outChannels: 256 }).toEqual(pf);
      expect({ ...rpn, channels: 256 }).toEqual(pr);
      expect({ ...roi, fcChannels: 1024 }).toEqual(pq);
      expect({ ...train, batchSize: 64 }).toEqual(pt);

      const model = FASTER_RCNN_SPEC.build(config, { loss: getLoss(lossName), seed: 0 }) as FasterRCNN;
      expect(model.strides).toEqual([4, 8, 16, 32, 64]);
      expect(model.anchors(SIZE, SIZE).featureSizes).toEqual([
        [16, 16],
        [8, 8],
        [4, 4],
        [2, 2],
        [1, 1],
      ]);
      const names = model.namedParameters().map(([n]) => n);
      // ResNet-50's bottleneck blocks: layer3 has 6 (indices 0–5), layer4 3, each with conv3.
      expect(names).toContain('backbone.layer3.5.conv3.weight');
      expect(names).not.toContain('backbone.layer3.6.conv1.weight');
      expect(names).toContain('backbone.layer4.2.conv3.weight');

      const before = snapshot(model);
      const optimizer = new SGD(paramGroups(model, { weightDecay: config.train.weightDecay }), {
        momentum: config.train.momentum,
      });
      const { batch } = fixedBatch(1, SIZE, config.numClasses);
      const r = trainStep(model, optimizer, batch, {
        lr: config.train.lr,
        gradClipNorm: config.train.gradClipNorm,
        iter: 0,
        seed: 0,
      });
      expect(Number.isFinite(r.total), JSON.stringify(r.parts)).toBe(true);
      expect(Object.keys(r.parts).some((k) => k.startsWith('rpn/'))).toBe(true);
      expect(Object.keys(r.parts).some((k) => k.startsWith('roi/'))).toBe(true);
      expect(r.stats['roi/samples']).toBeGreaterThan(0);

      const after = snapshot(model);
      const changed = (name: string) =>
        !Buffer.from(before.get(name)!.buffer).equals(Buffer.from(after.get(name)!.buffer));
      // Frozen stem + layer1 (frozenStages 1) and every BN running statistic stay put; the
      // trainable layers after them and both heads move.
      const frozen = names.filter(
        (name) => /^backbone\.(conv1|bn1|layer1)\./.test(name) || /running_(mean|var)$/.test(name),
      );
      // conv1, bn1 (4) and layer1's 3 blocks (3 convs + 3 BNs of 4 each, one downsample) at least.
      expect(frozen.length).toBeGreaterThan(40);
      expect(frozen.some((name) => name.startsWith('backbone.layer4.') && name.endsWith('running_var'))).toBe(true);
      for (const name of frozen) expect(changed(name), name).toBe(false);
      for (const name of [
        'backbone.layer2.0.conv1.weight',
        'neck.inner_blocks.0.weight',
        'rpn_head.rpn_conv.weight',
        'roi_head.bbox_head.fc_cls.weight',
      ])
        expect(changed(name), name).toBe(true);
      tf.dispose(batch.images);
      optimizer.dispose();
      model.dispose();
    });
  }
});
