/**
 * The conformance suite every detector package runs in its own tests (vitest): output shapes,
 * no tensor leaks across training steps and `detect`, bit-identical resume on cpu, valid COCO
 * records, and every registry loss that applies to its heads lowering the loss on a fixed batch.
 *
 * @example
 * // packages/<detector>/test/conformance.test.ts
 * describeDetectorConformance({ spec: MY_SPEC, useBackend, config: { base: 'my-tiny', inputSize: [32, 32] } });
 */
export { describeDetectorConformance, type ConformanceOptions } from './suite.js';
export { fixedBatch, type FixedBatch } from './fixtures.js';
