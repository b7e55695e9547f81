// The shared config part of @apdet/detector: schemas, inferred types and resolution helpers.
export { BACKBONE_CONFIG_SCHEMA, type BackboneConfig } from './backbone.js';
export { TRAIN_CONFIG_SCHEMA, type TrainConfig } from './train.js';
export { DETECTOR_CONFIG_BASE_SCHEMA, type DetectorConfigBase } from './base.js';
export { resolveConfig, splitConfigJson, type ConfigOverrides } from './resolve.js';
export { formatSchemaError, formatPath, parseWithSchema, schemaIssueText } from './schema-error.js';
export {
  numberSchema,
  oneOfSchema,
  booleanSchema,
  textSchema,
  listSchema,
  tupleSchema,
  sectionSchema,
  type NumberRange,
} from './fields.js';
export { describeValue } from './describe-value.js';
