/**
 * @apdet/retinanet — RetinaNet on the @apdet/detector contract: typed configs and presets, the
 * model, training targets, registry-driven losses (no per-loss code in the detector), and
 * COCO post-processing. Apps reach it only through {@link RETINANET_SPEC}.
 */
export * from './config/index.js';
export { RetinaHead, type RetinaHeadOptions } from './model/head.js';
export { RetinaNet, type RetinaNetOptions, type RetinaNetOutput, type AnchorSet } from './model/retinanet.js';
export {
  anchorTargets,
  batchTargets,
  classTargets,
  type AnchorTargets,
  type BatchTargets,
  type TargetOptions,
} from './targets.js';
export { decodeInUnitFrame, retinaLossInputs, retinaLoss } from './loss.js';
export { targetsForBatch } from './train-step.js';
export { postprocessImage, type PostprocessInputs } from './postprocess.js';
export { detect } from './detect.js';
export { RETINANET_SPEC } from './spec.js';
