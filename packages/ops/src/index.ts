/**
 * @apdet/ops — detection operators shared by the detectors.
 * See README.md for conventions (box formats, anchor centres, coder, strict thresholds).
 */
export * from './boxes/index.js';
export * from './anchors/index.js';
export * from './assign/index.js';
export * from './nms/index.js';
export * from './matching/index.js';
export * from './roi/index.js';
export * from './deform/index.js';
