// The loss registry of @apdet/losses: `--loss` names → losses any detector head can call.
export {
  LOSS_NAMES,
  DEFAULT_LOSS,
  isLossName,
  getLoss,
  loadLoss,
  lossParamFields,
  validateLossParams,
  describeLosses,
  type LossName,
  type GetLossOptions,
} from './registry.js';
export {
  HEAD_KINDS,
  type HeadKind,
  type DetectionLossInputs,
  type DetectionLoss,
  type LossOutput,
  type ClassifierSpec,
  type LossNeeds,
  type PredTarget,
  type BoxCoderStds,
  type SamplerSpec,
} from './types.js';
export { PSEUDO_SAMPLER, RPN_RANDOM_SAMPLER, ROI_RANDOM_SAMPLER, baselineSampler, papSampler } from './samplers.js';
export { targetsFromLabels, labelMasks, type LabelMasks } from './labels.js';
export { classScores, classifierBias, logitsCount } from './inputs.js';
export { parseLossParams, paramsForHead, type LossParams, type ParamField, type ParamValue } from './loss-params.js';
export {
  baselineDefaults,
  baselineBoxCoderStds,
  FOCAL_ALPHA,
  FOCAL_GAMMA,
  PRIOR_PROBABILITY,
  DETR_BACKGROUND_WEIGHT,
  SMOOTH_L1_BETA,
  type BaselineName,
  type BaselineHeadSettings,
  type ClsTerm,
  type BoxTerm,
  type Normaliser,
} from './baseline-table.js';
export {
  PAP_PRESET_BY_HEAD,
  PAP_BOX_CODER_STDS,
  type PapName,
  type PapHeadSettings,
  type QualityInput,
} from './pap-entry.js';
