/**
 * @apdet/detector — the detector contract: shared batch, geometry, detection and config types,
 * the `Detector` and `DetectorSpec` interfaces every detector package implements, and (in
 * `@apdet/detector/conformance`) the conformance suite each runs in its own tests.
 */
export * from './batch.js';
export * from './detections.js';
export * from './contract.js';
export * from './config/index.js';
export { loadTorchvisionBackbone } from './pretrained.js';
export { boxesToOriginal } from './to-original.js';
export { trainStep, type StepOptions, type StepResult } from './train-step.js';
