// The Faster R-CNN config: schemas, inferred types, presets and resolution.
export * from './types.js';
export * from './presets.js';
export { getConfig, resolveConfig, configFromJson, checkConfig, fpnLevels, fpnStrides } from './resolve.js';
export {
  FASTER_RCNN_CONFIG_SCHEMA,
  FPN_CONFIG_SCHEMA,
  ANCHORS_CONFIG_SCHEMA,
  ASSIGNER_CONFIG_SCHEMA,
  PROPOSALS_CONFIG_SCHEMA,
  RPN_CONFIG_SCHEMA,
  ROI_CONFIG_SCHEMA,
  BOX_CODER_CONFIG_SCHEMA,
  INFERENCE_CONFIG_SCHEMA,
  fasterRcnnConfigProblem,
  type ConfigProblem,
} from './schema.js';
