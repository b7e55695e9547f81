export * from './choose-without-replacement.js';
export * from './assign-result.js';
export * from './max-iou-assigner.js';
export * from './samplers.js';
