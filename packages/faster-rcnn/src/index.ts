/**
 * @apdet/faster-rcnn — Faster R-CNN with FPN on the @apdet/detector contract: typed configs and
 * presets, the model (RPN, multi-level RoIAlign, two-FC box head), host-side proposals and
 * targets, registry-driven losses on both stages (no per-loss code in the detector), and COCO
 * post-processing. Apps reach it only through {@link FASTER_RCNN_SPEC}.
 */
export * from './config/index.js';
export { RpnHead, type RpnHeadOptions, type RpnOutput } from './model/rpn-head.js';
export { BBoxHead, classSpecificDeltas, type BBoxHeadOptions, type BBoxHeadOutput } from './model/bbox-head.js';
export { RoiHead, type RoiHeadOptions, type RoiBatch } from './model/roi-head.js';
export { FasterRCNN, type FasterRcnnOptions, type AnchorSet } from './model/faster-rcnn.js';
export { generateProposals, type ProposalOptions, type Proposals, type RpnLevelOutput } from './proposals.js';
export { proposalsForBatch, type LevelAnchors } from './rpn-proposals.js';
export { rpnTargets, type RpnTargets, type RpnTargetOptions, type RpnGroundTruth } from './rpn-targets.js';
export { roiTargets, type RoiTargets, type RoiTargetOptions, type RoiGroundTruth } from './roi-targets.js';
export { drawSamples } from './sampling.js';
export { roiDetections, type RoiDetectionOptions, type RoiDetections } from './roi-postprocess.js';
export {
  fasterRcnnLoss,
  rpnTargetsForBatch,
  rpnLossInputs,
  roiLossInputs,
  decodeInAnchorFrame,
  assignerOptions,
} from './loss.js';
export { toOriginalDetections, type InputDetections } from './postprocess.js';
export { detect } from './detect.js';
export { FASTER_RCNN_SPEC } from './spec.js';
