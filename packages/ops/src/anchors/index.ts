export * from './config.js';
export * from './generator.js';
