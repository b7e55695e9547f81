import { describe, expect, it } from 'vitest';
import { isUserError } from '@apdet/io';
import { AnchorGenerator } from '@apdet/ops';
import { FASTER_RCNN_CONFIGS, FASTER_RCNN_SPEC, configFromJson, getConfig, resolveConfig } from '../src/index.js';

function userErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isUserError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('Faster R-CNN configs', () => {
  it('every preset resolves unchanged', () => {
    for (const [name, cfg] of Object.entries(FASTER_RCNN_CONFIGS))
      expect(resolveConfig(getConfig(name), undefined, name)).toEqual(cfg);
  });

  it('the paper config has the docs/spec/paper-spec.md §9.2/§10.1 settings', () => {
    const c = getConfig('faster-rcnn-r50-fpn-512');
    expect(c.fpn).toEqual({ inLevels: [2, 3, 4, 5], outChannels: 256, extra: 'maxpool' });
    expect(c.anchors).toEqual({ strides: [4, 8, 16, 32, 64], scales: [8], ratios: [0.5, 1, 2], centerOffset: 0 });
    expect(c.rpn.assigner).toEqual({ posIouThr: 0.7, negIouThr: 0.3, minPosIou: 0.3, matchLowQuality: true });
    expect([c.rpn.train.preNmsTopK, c.rpn.train.postNmsTopN, c.rpn.train.nmsIouThreshold]).toEqual([2000, 1000, 0.7]);
    expect([c.rpn.test.preNmsTopK, c.rpn.test.postNmsTopN, c.rpn.test.minSize]).toEqual([1000, 1000, 0]);
    expect(c.roi).toMatchObject({
      outputSize: 7,
      samplingRatio: 0,
      aligned: true,
      canonicalScale: 224,
      canonicalLevel: 4,
      levels: [2, 3, 4, 5],
      fcChannels: 1024,
      assigner: { posIouThr: 0.5, negIouThr: 0.5, minPosIou: 0.5, matchLowQuality: false },
    });
    expect(c.inference).toEqual({ scoreThreshold: 0.05, nmsIouThreshold: 0.5, maxDetections: 100 });
    expect(c.boxCoder).toEqual({ rpn: null, roi: null });
    expect(c.backbone).toMatchObject({ depth: 50, frozenStages: 1, norm: 'frozen-bn' });
    const t = c.train;
    expect([t.optimizer, t.lr, t.momentum, t.weightDecay, t.warmupIters, t.batchSize, t.epochs]).toEqual([
      'sgd',
      0.024,
      0.9,
      1e-4,
      500,
      64,
      100,
    ]);
    expect(t.lrSteps).toEqual([75, 95]);
    expect(t.trainPipeline).toBe('paper-train');
    // A = 3 anchors at P2–P6: 512²·(1/16 + 1/64 + 1/256 + 1/1024 + 1/4096)·3 = 65,472 per image.
    const gen = new AnchorGenerator({ ...c.anchors });
    expect(gen.gridAnchors(gen.featureSizes(512, 512)).anchors.length / 4).toBe(65472);
    const mmdet1x = getConfig('faster-rcnn-r50-fpn-1x');
    expect([mmdet1x.inputSize, mmdet1x.train.batchSize, mmdet1x.train.lr, mmdet1x.train.epochs]).toEqual([
      [800, 1333],
      16,
      0.02,
      12,
    ]);
    expect(mmdet1x.train.lrSteps).toEqual([8, 11]);
  });

  it('overrides merge field by field, also inside the nested rpn/roi sections, and leave the preset alone', () => {
    const c = resolveConfig(
      getConfig('faster-rcnn-tiny'),
      { train: { lr: 0.02 }, rpn: { train: { postNmsTopN: 32 } }, roi: { assigner: { posIouThr: 0.6 } } },
      'flags',
    );
    expect(c.train.lr).toBe(0.02);
    expect(c.train.momentum).toBe(0.9);
    expect(c.rpn.train).toEqual({ ...getConfig('faster-rcnn-tiny').rpn.train, postNmsTopN: 32 });
    expect(c.rpn.test).toEqual(getConfig('faster-rcnn-tiny').rpn.test);
    expect(c.roi.assigner.posIouThr).toBe(0.6);
    expect(c.roi.assigner.negIouThr).toBe(0.5);
    expect(getConfig('faster-rcnn-tiny').train.lr).toBe(0.008);
  });

  it('rejects unknown names and fields with one line naming the field path', () => {
    expect(userErrorOf(() => getConfig('faster-rcnn-huge'))).toMatch(
      /^unknown Faster R-CNN config 'faster-rcnn-huge'; valid names: faster-rcnn-tiny/,
    );
    const tiny = getConfig('faster-rcnn-tiny');
    expect(userErrorOf(() => resolveConfig(tiny, { rnp: {} }, 'my.json'))).toMatch(
      /^my\.json: unknown config field 'rnp'; valid fields: name, numClasses/,
    );
    expect(userErrorOf(() => resolveConfig(tiny, { rpn: { train: { nmsPre: 10 } } }, 'my.json'))).toBe(
      "my.json: unknown config field 'rpn.train.nmsPre'; valid fields: rpn.train.preNmsTopK, " +
        'rpn.train.postNmsTopN, rpn.train.nmsIouThreshold, rpn.train.minSize',
    );
    expect(userErrorOf(() => resolveConfig(tiny, { roi: { assigner: 0.5 } }, 'f'))).toMatch(
      /^f: roi\.assigner: expected an object with fields posIouThr, negIouThr, minPosIou, matchLowQuality, got 0\.5$/,
    );
  });

  it('rejects invalid values naming the field path', () => {
    const tiny = getConfig('faster-rcnn-tiny');
    expect(userErrorOf(() => resolveConfig(tiny, { train: { lr: -1 } }, 'f'))).toBe(
      'f: train.lr: expected a number > 0, got -1',
    );
    expect(userErrorOf(() => resolveConfig(tiny, { rpn: { test: { postNmsTopN: 0 } } }, 'f'))).toBe(
      'f: rpn.test.postNmsTopN: expected an integer ≥ 1, got 0',
    );
    expect(userErrorOf(() => resolveConfig(tiny, { roi: { aligned: 'yes' } }, 'f'))).toBe(
      "f: roi.aligned: expected true or false, got 'yes'",
    );
    expect(userErrorOf(() => resolveConfig(tiny, { boxCoder: { roi: [1, 1, 1] } }, 'f'))).toMatch(
      /^f: boxCoder\.roi: expected 4 items, got 3/,
    );
    expect(userErrorOf(() => resolveConfig(tiny, { fpn: { extra: 'p6p7' } }, 'f'))).toBe(
      "f: fpn.extra: expected one of 'maxpool', 'none', got 'p6p7'",
    );
    for (const message of [
      userErrorOf(() => resolveConfig(tiny, { rpn: { test: { postNmsTopN: 0 } } }, 'f')),
      userErrorOf(() => resolveConfig(tiny, { roi: { levels: [2, 4] } }, 'f')),
    ])
      expect(message.split('\n')).toHaveLength(1);
  });

  it('checks cross-field consistency', () => {
    const tiny = getConfig('faster-rcnn-tiny');
    expect(userErrorOf(() => resolveConfig(tiny, { fpn: { extra: 'maxpool' } }, 'f'))).toMatch(
      /^f: anchors\.strides: must match the FPN outputs .*\[8, 16, 32, 64\], got \[8, 16, 32\]$/,
    );
    expect(userErrorOf(() => resolveConfig(tiny, { roi: { levels: [3, 5] } }, 'f'))).toMatch(
      /^f: roi\.levels: must be consecutive FPN output levels \(P3–P5\), got \[3, 5\]$/,
    );
    expect(userErrorOf(() => resolveConfig(tiny, { roi: { levels: [2, 3] } }, 'f'))).toMatch(/^f: roi\.levels:/);
    expect(userErrorOf(() => resolveConfig(tiny, { rpn: { assigner: { negIouThr: 0.8 } } }, 'f'))).toBe(
      'f: rpn.assigner.negIouThr: must be ≤ posIouThr (0.7), got 0.8',
    );
    expect(userErrorOf(() => resolveConfig(tiny, { inputSize: [16, 128] }, 'f'))).toMatch(
      /^f: inputSize: each side must be ≥ the largest stride 32, got 16 for height$/,
    );
  });

  it('reads the --config JSON format through the spec', () => {
    const c = FASTER_RCNN_SPEC.configFromJson({ base: 'faster-rcnn-r50-fpn-512', numClasses: 6 }, 'cfg.json');
    expect(c.name).toBe('faster-rcnn-r50-fpn-512');
    expect(c.numClasses).toBe(6);
    expect(FASTER_RCNN_SPEC.configFromJson({}, 'cfg.json').name).toBe('faster-rcnn-tiny');
    expect(userErrorOf(() => configFromJson({ base: 'nope' }, 'cfg.json'))).toMatch(
      /unknown Faster R-CNN config 'nope'/,
    );
    expect(userErrorOf(() => configFromJson({ base: 3 }, 'cfg.json'))).toBe(
      'cfg.json: base: expected a config name, got 3',
    );
  });
});
