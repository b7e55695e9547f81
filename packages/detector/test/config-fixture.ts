// A complete, valid DetectorConfigBase for the config tests.
import type { DetectorConfigBase } from '../src/config/index.js';

export const BASE: DetectorConfigBase = {
  name: 'test',
  numClasses: 3,
  inputSize: [64, 96],
  backbone: { depth: 18, widthMultiplier: 0.25, blocks: [1, 1, 1, 1], frozenStages: 0, norm: 'gn', pretrained: null },
  train: {
    batchSize: 4,
    optimizer: 'adamw',
    lr: 0.001,
    momentum: 0.9,
    weightDecay: 0.05,
    warmupIters: 10,
    warmupRatio: 0.001,
    epochs: 2,
    lrSchedule: 'cosine',
    lrSteps: [],
    gradClipNorm: 0,
    trainPipeline: 'shapes-train',
    testPipeline: 'shapes-test',
    dataset: 'shapes',
  },
};
