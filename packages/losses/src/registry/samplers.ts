// The sampler each registry entry declares per head kind (DetectionLoss.sampler), with where each
// number comes from. Like baseline-table.ts, a table looked up by head kind, never by detector.
// The functions return fresh copies, so a caller cannot change another's spec.
import type { HeadKind, SamplerSpec } from './types.js';

/** Every assigned sample, no GT added (mmdet `PseudoSampler`). */
export const PSEUDO_SAMPLER: Readonly<SamplerSpec> = Object.freeze({ kind: 'pseudo' });

/**
 * The RPN's RandomSampler: 256 anchors per image, half positive at most, no GT added
 * (fundamentalvision/Parameterized-AP-Loss `configs/_base_/models/faster_rcnn_r50_fpn.py`
 * L65–70; torchvision's RPN samples the same 256 / 0.5, docs/spec/detectors.md C).
 */
export const RPN_RANDOM_SAMPLER: Readonly<SamplerSpec> = Object.freeze({
  kind: 'random',
  num: 256,
  posFraction: 0.5,
  addGtAsProposals: false,
});

/**
 * The RoI head's RandomSampler of the CE baselines: 512 RoIs per image, a quarter positive at
 * most, the GT boxes added as proposals (same file L89–94; torchvision 512 / 0.25 with GT
 * added, docs/spec/detectors.md C).
 */
export const ROI_RANDOM_SAMPLER: Readonly<SamplerSpec> = Object.freeze({
  kind: 'random',
  num: 512,
  posFraction: 0.25,
  addGtAsProposals: true,
});

/**
 * Baseline entries (focal/CE with L1/smooth-L1/GIoU): Faster R-CNN's two samplers on `rpn` and
 * `roi`; every assigned anchor on `retina` (RetinaNet's PseudoSampler) and every matched query
 * on `detr` (Hungarian matching decides, nothing is drawn).
 */
export function baselineSampler(head: HeadKind): SamplerSpec {
  return { ...(head === 'rpn' ? RPN_RANDOM_SAMPLER : head === 'roi' ? ROI_RANDOM_SAMPLER : PSEUDO_SAMPLER) };
}

/**
 * Parameterized AP entries: the RPN keeps the base config's RandomSampler (the PAP config gives
 * no RPN sampler and mmcv merges the `_base_` one in, docs/spec/detectors.md A.3), the RoI head
 * ranks every proposal with no GT added (`configs/paploss/paploss_fasterrcnn_r50_fpn.py` L74),
 * RetinaNet and DETR use every assigned sample.
 */
export function papSampler(head: HeadKind): SamplerSpec {
  return { ...(head === 'rpn' ? RPN_RANDOM_SAMPLER : PSEUDO_SAMPLER) };
}
