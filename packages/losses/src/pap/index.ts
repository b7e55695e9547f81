// The Parameterized AP loss: function family, presets, grad scale, fast and dense paths.
export {
  CTRL_POINT_LENGTHS,
  evaluateCtrlPoints,
  evaluatePiecewiseLinear,
  piecewiseLinearFromKnots,
  piecewiseLinearSlope,
  segmentIndex,
  toPiecewiseLinear,
  validateCtrlPoints,
  type CtrlPoints,
  type PiecewiseLinear,
} from './piecewise-linear.js';
export { ctrlPointsToTheta, gradScaleFromTheta, thetaFromGradScale, thetaToCtrlPoints } from './theta.js';
export {
  FASTER_RCNN_ROI_PRESET,
  FASTER_RCNN_RPN_PRESET,
  PAP_FUNCTION_ORDER,
  PAP_PRESETS,
  RETINANET_PRESET,
  getPapPreset,
  presetCtrlPoints,
  type PapPreset,
  type PapPresetName,
} from './presets.js';
export { gradScale } from './grad-scale.js';
export {
  DEFAULT_TOP_K,
  PAP_FORMS,
  resolvePapOptions,
  type PapForm,
  type PapLossOptions,
  type ResolvedPapOptions,
} from './options.js';
export { parameterizedApLoss } from './pap-loss.js';
export {
  paplossHost,
  paplossHostForward,
  POSITIVE_EPS,
  type HostPapForward,
  type HostPapGradients,
  type HostPapInputs,
} from './fast-core.js';
export { parameterizedApLossDense, paplossDenseParts } from './dense-reference.js';
export { DEFAULT_CHUNK_ELEMENTS, sigmoidApLossChunked } from './sigmoid-chunked.js';
export { piecewiseLinearTensor, stopGradient } from './tensor-functions.js';
export { selectPairs, type PairSelection } from './selection.js';
