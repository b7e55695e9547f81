/**
 * The warm start trains like a normal short run of the preset (its lr, warm-up, cosine decay),
 * not like a proxy: the proxies' lower constant lr and 10-step warm-up are dropped from its
 * config while everything else (base preset, optimiser, model) is kept.
 */
import { describe, expect, it } from 'vitest';
import { detectorSpec } from '@apdet/train';
import { pretrainConfigOf } from '../src/proxy-pretrain.js';

describe('pretrainConfigOf', () => {
  it('drops the proxy lr schedule from the default proxy config', () => {
    const config = pretrainConfigOf(detectorSpec('retinanet').search.proxyConfig);
    expect(config).toEqual({ base: 'retinanet-tiny', train: { lrSchedule: 'cosine', lrSteps: [] } });
  });

  it('keeps other train fields and the model section', () => {
    const config = pretrainConfigOf({
      base: 'retinanet-tiny',
      model: { numClasses: 3 },
      train: { optimizer: 'sgd', lr: 0.5, warmupIters: 1, batchSize: 8, lrSchedule: 'step', lrSteps: [2] },
    });
    expect(config).toEqual({
      base: 'retinanet-tiny',
      model: { numClasses: 3 },
      train: { optimizer: 'sgd', batchSize: 8, lrSchedule: 'cosine', lrSteps: [] },
    });
  });

  it('accepts a preset name', () => {
    expect(pretrainConfigOf('retinanet-tiny')).toEqual({
      base: 'retinanet-tiny',
      train: { lrSchedule: 'cosine', lrSteps: [] },
    });
  });
});
