export * from './sort.js';
export * from './nms-typed.js';
export * from './nms.js';
