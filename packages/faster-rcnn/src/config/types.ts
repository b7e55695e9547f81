/**
 * The typed Faster R-CNN configuration, inferred from the schemas of schema.ts (where every
 * field is documented). Every field is required in a resolved config; user overrides are partial
 * and validated by `resolveConfig` (unknown fields are errors).
 */
import type { z } from 'zod';
import type {
  ANCHORS_CONFIG_SCHEMA,
  ASSIGNER_CONFIG_SCHEMA,
  BOX_CODER_CONFIG_SCHEMA,
  FASTER_RCNN_CONFIG_SCHEMA,
  FPN_CONFIG_SCHEMA,
  INFERENCE_CONFIG_SCHEMA,
  PROPOSALS_CONFIG_SCHEMA,
  ROI_CONFIG_SCHEMA,
  RPN_CONFIG_SCHEMA,
} from './schema.js';

export type { BackboneConfig, TrainConfig } from '@apdet/detector';

/** Feature pyramid. */
export type FpnConfig = z.output<typeof FPN_CONFIG_SCHEMA>;

/** RPN anchors (mmdet v2 AnchorGenerator semantics, see @apdet/ops). */
export type AnchorsConfig = z.output<typeof ANCHORS_CONFIG_SCHEMA>;

/** MaxIoU assigner of one stage. */
export type AssignerConfig = z.output<typeof ASSIGNER_CONFIG_SCHEMA>;

/** Proposal generation options (train or test). */
export type ProposalsConfig = z.output<typeof PROPOSALS_CONFIG_SCHEMA>;

/** The region proposal network. */
export type RpnConfig = z.output<typeof RPN_CONFIG_SCHEMA>;

/** The RoI head. */
export type RoiConfig = z.output<typeof ROI_CONFIG_SCHEMA>;

/** Box coders of the two stages. */
export type BoxCoderConfig = z.output<typeof BOX_CODER_CONFIG_SCHEMA>;

/** Inference post-processing. */
export type InferenceConfig = z.output<typeof INFERENCE_CONFIG_SCHEMA>;

/** A complete Faster R-CNN configuration: the shared detector fields plus the sections above. */
export type FasterRcnnConfig = z.output<typeof FASTER_RCNN_CONFIG_SCHEMA>;

/** A partial override: sections and their sub-sections merge field by field, arrays are replaced. */
export type FasterRcnnConfigOverrides = DeepPartial<FasterRcnnConfig>;

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};
