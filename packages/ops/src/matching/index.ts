export * from './linear-sum-assignment.js';
export * from './detr-matcher.js';
