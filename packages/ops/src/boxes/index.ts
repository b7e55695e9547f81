export * from './types.js';
export * from './convert.js';
export * from './geometry.js';
export * from './iou.js';
export * from './iou-typed.js';
export * from './aligned-giou.js';
export * from './delta-xywh-coder.js';
export * from './unit-anchor.js';
