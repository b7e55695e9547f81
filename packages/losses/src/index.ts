// Public API of @apdet/losses.
export * from './pap/index.js';
export * from './baseline/index.js';
export * from './registry/index.js';
