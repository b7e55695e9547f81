/**
 * @apdet/retinanet — RetinaNet from a typed config, training targets, registry-driven losses
 * (no per-loss code in the detector), a train step, and COCO post-processing.
 */
export * from './config/index.js';
export { RetinaHead, type RetinaHeadOptions } from './model/head.js';
export { RetinaNet, type RetinaNetOptions, type RetinaNetOutput, type AnchorSet } from './model/retinanet.js';
export { anchorTargets, batchTargets, classTargets, type ImageAnnotations, type AnchorTargets, type BatchTargets, type TargetOptions } from './targets.js';
export { decodeInUnitFrame, retinaLossInputs, retinaLoss } from './loss.js';
export { trainStep, targetsForBatch, type TrainBatch, type TrainStepOptions, type TrainStepResult } from './train-step.js';
export { postprocessImage, toCocoResults, type ImageGeometry, type Detections, type CocoDetection, type PostprocessInputs } from './postprocess.js';
export { detect } from './detect.js';
