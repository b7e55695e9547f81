export * from './types.js';
export * from './presets.js';
export { getConfig, resolveConfig, configFromJson, checkConfig, fpnStrides } from './resolve.js';
export { CONFIG_SCHEMA, type FieldCheck } from './schema.js';
