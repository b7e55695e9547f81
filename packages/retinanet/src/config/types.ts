/**
 * The typed RetinaNet configuration, inferred from the schemas of schema.ts (where every field
 * is documented). Every field is required in a resolved config; user overrides are partial and
 * validated by `resolveConfig` (unknown fields are errors).
 */
import type { ConfigOverrides } from '@apdet/detector';
import type { z } from 'zod';
import type {
  ANCHORS_CONFIG_SCHEMA,
  ASSIGNER_CONFIG_SCHEMA,
  BOX_CODER_CONFIG_SCHEMA,
  FPN_CONFIG_SCHEMA,
  HEAD_CONFIG_SCHEMA,
  INFERENCE_CONFIG_SCHEMA,
  RETINANET_CONFIG_SCHEMA,
} from './schema.js';

export type { BackboneConfig, TrainConfig } from '@apdet/detector';

/** Feature pyramid. */
export type FpnConfig = z.output<typeof FPN_CONFIG_SCHEMA>;

/** The classification and regression towers, shared across pyramid levels. */
export type HeadConfig = z.output<typeof HEAD_CONFIG_SCHEMA>;

/** Anchors (mmdet v2 AnchorGenerator semantics, see @apdet/ops). */
export type AnchorsConfig = z.output<typeof ANCHORS_CONFIG_SCHEMA>;

/** Box coder (mmdet DeltaXYWHBBoxCoder). */
export type BoxCoderConfig = z.output<typeof BOX_CODER_CONFIG_SCHEMA>;

/** MaxIoU assigner (mmdet semantics, see @apdet/ops). */
export type AssignerConfig = z.output<typeof ASSIGNER_CONFIG_SCHEMA>;

/** Inference / post-processing. */
export type InferenceConfig = z.output<typeof INFERENCE_CONFIG_SCHEMA>;

/** A complete RetinaNet configuration: the shared detector fields plus the sections above. */
export type RetinaNetConfig = z.output<typeof RETINANET_CONFIG_SCHEMA>;

/** A deep-partial override of a config (what a user's JSON file or CLI flags give). */
export type RetinaNetConfigOverrides = ConfigOverrides<RetinaNetConfig>;
