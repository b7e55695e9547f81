// Baseline losses of @apdet/losses: focal, cross-entropy, L1 / smooth-L1, IoU / GIoU.
export { REDUCTIONS, reduceLoss, type Reduction } from './reduction.js';
export { sigmoidFocalLoss, bceWithLogits, type SigmoidFocalLossOptions } from './focal.js';
export {
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
  type SigmoidCrossEntropyOptions,
  type SoftmaxCrossEntropyOptions,
} from './cross-entropy.js';
export { l1Loss, smoothL1Loss, type RegressionLossOptions } from './regression.js';
export { alignedIous, BOX_IOU_EPS, type AlignedIous } from './box-iou.js';
export { iouLoss, giouLoss, LOG_IOU_FLOOR, type BoxLossOptions, type IouLossOptions } from './iou-losses.js';
