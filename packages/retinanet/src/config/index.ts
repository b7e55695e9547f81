export * from './types.js';
export * from './presets.js';
export { getConfig, resolveConfig, configFromJson, checkConfig, fpnStrides } from './resolve.js';
export {
  RETINANET_CONFIG_SCHEMA,
  FPN_CONFIG_SCHEMA,
  HEAD_CONFIG_SCHEMA,
  ANCHORS_CONFIG_SCHEMA,
  BOX_CODER_CONFIG_SCHEMA,
  ASSIGNER_CONFIG_SCHEMA,
  INFERENCE_CONFIG_SCHEMA,
  retinanetConfigProblem,
} from './schema.js';
