import { describe, expect, it } from 'vitest';
import { isUserError } from '@apdet/io';
import { AnchorGenerator } from '@apdet/ops';
import { getLoss } from '@apdet/losses';
import { RETINANET_CONFIGS, RetinaNet, configFromJson, getConfig, resolveConfig } from '../src/index.js';

function userErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isUserError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('RetinaNet configs', () => {
  it('every preset resolves unchanged', () => {
    for (const [name, cfg] of Object.entries(RETINANET_CONFIGS))
      expect(resolveConfig(getConfig(name), undefined, name)).toEqual(cfg);
  });

  it('the paper config has the docs/spec/paper-spec.md §9.1/§10 settings', () => {
    const c = getConfig('retinanet-r50-fpn-512');
    expect(c.anchors.ratios.length * c.anchors.scalesPerOctave).toBe(6);
    expect(c.anchors.strides).toEqual([8, 16, 32, 64, 128]);
    // Coder stds come from the loss, as in the paper's configs: PAP 0.1/0.2, focal+L1 1.
    expect(c.boxCoder.stds).toBeNull();
    const tiny = getConfig('retinanet-tiny');
    expect(tiny.boxCoder.stds).toBeNull();
    expect(new RetinaNet(tiny, { loss: getLoss('param-ap') }).boxCoderStds).toEqual([0.1, 0.1, 0.2, 0.2]);
    expect(new RetinaNet(tiny, { loss: getLoss('focal+l1') }).boxCoderStds).toEqual([1, 1, 1, 1]);
    expect(
      new RetinaNet({ ...tiny, boxCoder: { stds: [0.5, 0.5, 1, 1] } }, { loss: getLoss('param-ap') }).boxCoderStds,
    ).toEqual([0.5, 0.5, 1, 1]);
    expect([
      c.train.lr,
      c.train.momentum,
      c.train.weightDecay,
      c.train.warmupIters,
      c.train.batchSize,
      c.train.epochs,
    ]).toEqual([0.016, 0.9, 1e-4, 500, 64, 100]);
    expect(c.train.lrSteps).toEqual([60, 80]);
    expect(c.train.trainPipeline).toBe('paper-train');
    const gen = new AnchorGenerator({ ...c.anchors });
    expect(gen.gridAnchors(gen.featureSizes(512, 512)).anchors.length / 4).toBe(32736); // docs/spec/paper-spec.md §9.1: 5456 locations × 6
    expect([c.assigner.posIouThr, c.assigner.negIouThr, c.assigner.minPosIou]).toEqual([0.5, 0.4, 0]);
  });

  it('overrides merge field by field and do not touch the preset', () => {
    const c = resolveConfig(getConfig('retinanet-tiny'), { train: { lr: 0.02 }, head: { stackedConvs: 1 } }, 'flags');
    expect(c.train.lr).toBe(0.02);
    expect(c.train.momentum).toBe(0.9);
    expect(c.head.stackedConvs).toBe(1);
    expect(getConfig('retinanet-tiny').train.lr).toBe(0.008);
  });

  it('rejects unknown names and fields with one clear line', () => {
    expect(userErrorOf(() => getConfig('retinanet-huge'))).toMatch(
      /unknown RetinaNet config 'retinanet-huge'; valid names: retinanet-tiny/,
    );
    expect(userErrorOf(() => resolveConfig(getConfig('retinanet-tiny'), { hed: {} }, 'my.json'))).toMatch(
      /^my\.json: unknown config field 'hed'; valid fields: name, numClasses/,
    );
    expect(userErrorOf(() => resolveConfig(getConfig('retinanet-tiny'), { head: { depth: 2 } }, 'my.json'))).toMatch(
      /unknown config field 'head\.depth'; valid fields: head\.stackedConvs/,
    );
  });

  it('rejects invalid values naming the field', () => {
    const tiny = getConfig('retinanet-tiny');
    expect(userErrorOf(() => resolveConfig(tiny, { train: { lr: -1 } }, 'f'))).toBe(
      'f: train.lr: expected a number > 0, got -1',
    );
    expect(userErrorOf(() => resolveConfig(tiny, { backbone: { depth: 42 } }, 'f'))).toMatch(
      /backbone\.depth: expected one of 18, 34, 50, 101, got 42/,
    );
    expect(userErrorOf(() => resolveConfig(tiny, { inputSize: [128] }, 'f'))).toMatch(/inputSize: expected 2 items/);
    expect(userErrorOf(() => resolveConfig(tiny, { head: 3 }, 'f'))).toMatch(
      /head: expected an object with fields stackedConvs/,
    );
  });

  it('checks cross-field consistency', () => {
    const tiny = getConfig('retinanet-tiny');
    expect(userErrorOf(() => resolveConfig(tiny, { fpn: { extra: 'p6p7' } }, 'f'))).toMatch(
      /anchors\.strides: must match the FPN outputs .*\[8, 16, 32, 64, 128\]/,
    );
    expect(userErrorOf(() => resolveConfig(tiny, { assigner: { negIouThr: 0.6 } }, 'f'))).toMatch(
      /negIouThr: must be ≤ posIouThr/,
    );
    expect(userErrorOf(() => resolveConfig(tiny, { fpn: { inLevels: [3, 5] } }, 'f'))).toMatch(/consecutive/);
  });

  it('reads the --config JSON format', () => {
    const c = configFromJson({ base: 'retinanet-r50-fpn-512', numClasses: 6 }, 'cfg.json');
    expect(c.name).toBe('retinanet-r50-fpn-512');
    expect(c.numClasses).toBe(6);
    expect(userErrorOf(() => configFromJson({ base: 'nope' }, 'cfg.json'))).toMatch(/unknown RetinaNet config 'nope'/);
  });
});
