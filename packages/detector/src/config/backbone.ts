/**
 * The backbone section every detector config shares: a (possibly slimmed) torchvision-layout
 * ResNet.
 */
import type { z } from 'zod';
import { numberSchema, oneOfSchema, sectionSchema, textSchema, tupleSchema } from './fields.js';

const positiveInt = numberSchema(1, { integer: true });

/** Schema of {@link BackboneConfig}: every field required, unknown fields refused. */
export const BACKBONE_CONFIG_SCHEMA = sectionSchema({
  /** ResNet depth: 18/34 (basic blocks) or 50/101 (bottlenecks). */
  depth: oneOfSchema([18, 34, 50, 101]),
  /** Multiplies every width (stem 64·w, stage planes 64·w·2^i). 1 = the standard network. */
  widthMultiplier: numberSchema(0, { minExclusive: true, max: 4 }),
  /** Blocks per stage overriding the depth's standard counts (e.g. [1, 1, 1, 1]); null = standard. */
  blocks: tupleSchema(positiveInt, 4).nullable(),
  /** mmdet `frozen_stages`: 0 none, 1 stem + layer1 (detection default), … 4 all. */
  frozenStages: numberSchema(0, { integer: true, max: 4 }),
  /**
   * `frozen-bn` (pretrained detection default), `bn` (batch statistics), `gn` (GroupNorm, for
   * training from scratch).
   */
  norm: oneOfSchema(['frozen-bn', 'bn', 'gn']),
  /**
   * ImageNet weights for the backbone: a safetensors file with torchvision's ResNet names and
   * layouts (make one with `packages/nn/tools/torch-to-safetensors.py --torchvision resnet50
   * --weights IMAGENET1K_V1 r50.safetensors`; timm's `resnet50.tv_in1k` file has the same
   * names). Loaded when a run starts, never on resume. null = random initialisation.
   */
  pretrained: textSchema().nullable(),
});

/** Backbone: a (possibly slimmed) torchvision-layout ResNet. */
export type BackboneConfig = z.output<typeof BACKBONE_CONFIG_SCHEMA>;
