export { Module, Parameter, Sequential, ModuleList, type ParamLayout, type ParamRole } from './module.js';
export * from './init.js';
export { Conv2d, toTfPad, type Conv2dOptions, type Padding } from './layers/conv2d.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { ReLU } from './layers/activation.js';
export { MaxPool2d, type MaxPool2dOptions } from './layers/pool.js';
export { BatchNorm, FrozenBatchNorm, GroupNorm, LayerNorm, type NormOptions } from './layers/norm.js';
export { MultiheadAttention, type MultiheadAttentionOptions } from './layers/attention.js';
export { MLP } from './layers/mlp.js';
export {
  ResNet,
  resnet,
  BasicBlock,
  Bottleneck,
  RESNET_BLOCKS,
  type ResNetOptions,
  type ResNetNorm,
} from './models/resnet.js';
export { FPN, fpn, type FpnOptions, type FpnExtra } from './models/fpn.js';
export { valueAndGrads } from './grads.js';
export {
  encodeSafetensors,
  decodeSafetensors,
  halfToFloat,
  type NamedArray,
  type SafetensorsContent,
} from './checkpoint/safetensors.js';
export {
  stateDict,
  loadStateDict,
  fromTorchLayout,
  toTorchLayout,
  torchvisionResNetNames,
  torchvisionFpnNames,
  type LoadStateOptions,
  type LoadStateReport,
} from './checkpoint/state-dict.js';
export {
  saveCheckpoint,
  loadCheckpoint,
  loadTorchSafetensors,
  readSafetensors,
  type SaveCheckpointOptions,
  type LoadCheckpointOptions,
} from './checkpoint/checkpoint.js';
export { Optimizer, type OptimizerState } from './optim/optimizer.js';
export { SGD, type SgdOptions } from './optim/sgd.js';
export { AdamW, type AdamWOptions } from './optim/adamw.js';
export {
  paramGroups,
  singleGroup,
  type ParamGroup,
  type GroupRule,
  type ParamGroupOptions,
} from './optim/param-groups.js';
export { clipGradNorm, gradNormClipScale } from './optim/clip.js';
export { multiStep, cosine, withLinearWarmup, constantSchedule, type LrSchedule } from './optim/schedule.js';
