/**
 * Faster R-CNN's declaration of itself for the apps' registry (apps/train/src/detectors.ts): its
 * presets, config parsing, construction and what the loss search needs.
 */
import type { DetectorSpec } from '@apdet/detector';
import { DEFAULT_FASTER_RCNN_CONFIG, FASTER_RCNN_CONFIGS } from './config/presets.js';
import { configFromJson, getConfig, resolveConfig } from './config/resolve.js';
import type { FasterRcnnConfig } from './config/types.js';
import { FasterRCNN } from './model/faster-rcnn.js';

/**
 * @example
 * const config = FASTER_RCNN_SPEC.preset('faster-rcnn-tiny');
 * const model = FASTER_RCNN_SPEC.build(config, { loss: getLoss('param-ap'), seed: 0 });
 */
export const FASTER_RCNN_SPEC: DetectorSpec<FasterRcnnConfig> = {
  name: 'faster-rcnn',
  summary: 'Faster R-CNN (Ren et al. 2015) with FPN: RPN + RoIAlign two-FC head, two loss heads (rpn, roi)',
  heads: ['rpn', 'roi'],
  presets: FASTER_RCNN_CONFIGS,
  defaultPreset: DEFAULT_FASTER_RCNN_CONFIG,
  preset: (name) => getConfig(name),
  resolveConfig: (base, overrides, source) => resolveConfig(base, overrides, source),
  configFromJson: (json, source) => configFromJson(json, source, DEFAULT_FASTER_RCNN_CONFIG),
  build: (config, options) => new FasterRCNN(config, { loss: options.loss, seed: options.seed }),
  search: {
    // Both heads' five functions and their two gradient scales (82 dimensions, docs/spec/detectors.md A.3).
    heads: ['rpn', 'roi'],
    // A short constant-lr run of faster-rcnn-tiny, as RetinaNet's proxy (packages/retinanet/src/spec.ts):
    // lr 2e-3 reached after a 10-step warm-up, then held (`step` schedule without steps), like the
    // official proxy (docs/spec/paper-spec.md §8). Not measured for Faster R-CNN yet.
    proxyConfig: { base: 'faster-rcnn-tiny', train: { lr: 0.002, warmupIters: 10, lrSchedule: 'step', lrSteps: [] } },
  },
};
