/**
 * @apdet/coco-eval: COCO bbox evaluation with pycocotools semantics, in plain TypeScript
 * (no Node built-ins, usable in browsers). File reading lives in `@apdet/coco-eval/node`.
 */
export { evaluateCoco, evaluate, accumulate, summarize, type Evaluation } from './coco-eval.js';
export { loadGroundTruth, type GroundTruth } from './ground-truth.js';
export { loadDetections, loadDetectionsFromBytes, type Detections } from './detections.js';
export {
  defaultParams,
  resolveParams,
  linspace,
  DEFAULT_AREA_RANGES,
  type AreaRange,
  type EvalOptions,
  type EvalParams,
} from './params.js';
export type { Accumulated } from './accumulate.js';
export type { SummaryEntry } from './summarize.js';
export {
  at,
  prCurve,
  type CategoryAp,
  type CocoEvalResult,
  type NdArray,
  type PrCurve,
  type PrCurveQuery,
} from './result.js';
export { CocoInputError, isCocoInputError, type CocoInputPart } from './errors.js';
export type { CocoWarning } from './warnings.js';
export { pyFixed } from './numpy-compat.js';
