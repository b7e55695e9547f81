/**
 * The RetinaNet config schema: the shared detector fields (@apdet/detector) plus RetinaNet's
 * sections, each field with what it accepts, and the cross-field checks of a complete config.
 */
import {
  DETECTOR_CONFIG_BASE_SCHEMA,
  booleanSchema,
  listSchema,
  numberSchema,
  oneOfSchema,
  sectionSchema,
  tupleSchema,
} from '@apdet/detector';
import type { z } from 'zod';

/** Feature pyramid. */
export const FPN_CONFIG_SCHEMA = sectionSchema({
  /** Backbone stages fed to the FPN, as C-levels: 2–5 (C3–C5 = [3, 4, 5] for RetinaNet). Consecutive. */
  inLevels: listSchema(numberSchema(2, { integer: true, max: 5 })),
  /** Channels of every pyramid level (256 in the paper). */
  outChannels: numberSchema(1, { integer: true }),
  /** Extra levels above the last input: `p6p7` (RetinaNet P6, P7), `maxpool` (one level) or `none`. */
  extra: oneOfSchema(['p6p7', 'maxpool', 'none']),
  /** Source of P6 for `p6p7`: `c5` (mmdet `add_extra_convs='on_input'`, the paper's) or `p5`. */
  extraFrom: oneOfSchema(['c5', 'p5']),
  /** ReLU between P6 and P7 (torchvision: true; mmdet's RetinaNet: false). */
  reluBeforeP7: booleanSchema(),
});

/** The classification and regression towers, shared across pyramid levels. */
export const HEAD_CONFIG_SCHEMA = sectionSchema({
  /** 3×3 conv + (norm) + ReLU layers per tower (4 in RetinaNet). */
  stackedConvs: numberSchema(0, { integer: true }),
  /** Channels of the tower convs (256 in RetinaNet). */
  channels: numberSchema(1, { integer: true }),
  /** Normalisation in the towers: `none` (RetinaNet) or `gn` (GroupNorm, 32 groups or fewer). */
  norm: oneOfSchema(['none', 'gn']),
  /**
   * Classification bias prior π (bias = −log((1−π)/π)); null = take it from the loss registry's
   * classifier spec, which is 0.01 for every RetinaNet entry (the RetinaNet paper's value).
   */
  priorProbability: numberSchema(0, { minExclusive: true, max: 0.999999 }).nullable(),
});

/** Anchors (mmdet v2 AnchorGenerator semantics, see @apdet/ops). */
export const ANCHORS_CONFIG_SCHEMA = sectionSchema({
  /** One stride per pyramid level, lowest first; must equal the FPN's output strides. */
  strides: listSchema(numberSchema(1, { integer: true })),
  /** Scales per level are octaveBaseScale · 2^(i/scalesPerOctave). */
  octaveBaseScale: numberSchema(0, { minExclusive: true }),
  /** 3 in RetinaNet, 2 in the PAP paper's config (A = 6 with 3 ratios). */
  scalesPerOctave: numberSchema(1, { integer: true }),
  /** Aspect ratios h/w. */
  ratios: listSchema(numberSchema(0, { minExclusive: true })),
  /** Anchor centre offset as a fraction of the stride: 0 (mmdet v2) or 0.5 (centred in the cell). */
  centerOffset: numberSchema(0, { max: 1 }),
});

/** Box coder (mmdet DeltaXYWHBBoxCoder). */
export const BOX_CODER_CONFIG_SCHEMA = sectionSchema({
  /**
   * Target stds [dx, dy, dw, dh], or null to use the loss's own (`loss.boxCoderStds('retina')`:
   * [0.1, 0.1, 0.2, 0.2] for `param-ap`, whose unit-anchor decoding requires them; 1 for the
   * focal/CE baselines, as in the paper's baseline configs). Fix them only to study the coder.
   */
  stds: tupleSchema(numberSchema(0, { minExclusive: true }), 4).nullable(),
});

/** MaxIoU assigner (mmdet semantics, see @apdet/ops). */
export const ASSIGNER_CONFIG_SCHEMA = sectionSchema({
  /** IoU ≥ this → positive (0.5). */
  posIouThr: numberSchema(0, { max: 1 }),
  /** IoU < this → negative (0.4); in between → ignored. */
  negIouThr: numberSchema(0, { max: 1 }),
  /** Minimum IoU of a low-quality (best-anchor) match (0 in RetinaNet). */
  minPosIou: numberSchema(0, { max: 1 }),
  /** Give every GT its best anchors even below posIouThr (true in RetinaNet). */
  matchLowQuality: booleanSchema(),
  /** Anchors whose IoF with a crowd box is > this are ignored; ≤ 0 disables (mmdet: crowd boxes then just vanish). */
  crowdIofThr: numberSchema(-1, { max: 1 }),
});

/** Inference / post-processing. */
export const INFERENCE_CONFIG_SCHEMA = sectionSchema({
  /** (anchor, class) candidates kept per level before NMS (1000). */
  preNmsTopK: numberSchema(1, { integer: true }),
  /** Minimum score (strict >) of a candidate (0.05). */
  scoreThreshold: numberSchema(0, { max: 1 }),
  /** Class-aware NMS IoU threshold (0.5; the PAP paper's config uses 0.6). */
  nmsIouThreshold: numberSchema(0, { max: 1 }),
  /** Detections kept per image (100). */
  maxDetections: numberSchema(1, { integer: true }),
});

/** Every field of a RetinaNet config, without the cross-field checks. */
const RETINANET_FIELDS = DETECTOR_CONFIG_BASE_SCHEMA.extend({
  fpn: FPN_CONFIG_SCHEMA,
  head: HEAD_CONFIG_SCHEMA,
  anchors: ANCHORS_CONFIG_SCHEMA,
  boxCoder: BOX_CODER_CONFIG_SCHEMA,
  assigner: ASSIGNER_CONFIG_SCHEMA,
  inference: INFERENCE_CONFIG_SCHEMA,
});

/**
 * A complete RetinaNet configuration: every field required, unknown fields refused, then the
 * cross-field checks of {@link retinanetConfigProblem}.
 */
export const RETINANET_CONFIG_SCHEMA = RETINANET_FIELDS.superRefine((config, ctx) => {
  const problem = retinanetConfigProblem(config);
  if (problem !== null) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message, input: config });
});

/** What the cross-field checks read of a config (each field's own type already checked). */
type CheckedFields = Pick<z.output<typeof RETINANET_FIELDS>, 'inputSize' | 'fpn' | 'anchors' | 'assigner' | 'head'>;

/**
 * The first inconsistency between fields of a config whose fields are each valid, or null: the
 * FPN levels must be consecutive, the anchor strides must be the FPN's output strides, the
 * negative IoU threshold must not exceed the positive one, GroupNorm must divide the tower
 * channels, and the input must be at least as large as the coarsest stride.
 */
export function retinanetConfigProblem(c: CheckedFields): { path: string[]; message: string } | null {
  const levels = c.fpn.inLevels;
  for (let i = 1; i < levels.length; i++) {
    if (levels[i] !== levels[i - 1] + 1) {
      return at('fpn.inLevels', `must be consecutive and increasing, got [${levels.join(', ')}]`);
    }
  }
  const strides = fpnStrides(c);
  if (c.anchors.strides.join(',') !== strides.join(',')) {
    const outputs = `levels P${levels[0]}… with extra '${c.fpn.extra}'`;
    return at(
      'anchors.strides',
      `must match the FPN outputs (${outputs}): [${strides.join(', ')}], got [${c.anchors.strides.join(', ')}]`,
    );
  }
  if (c.assigner.negIouThr > c.assigner.posIouThr) {
    return at('assigner.negIouThr', `must be ≤ posIouThr (${c.assigner.posIouThr}), got ${c.assigner.negIouThr}`);
  }
  if (c.head.norm === 'gn' && c.head.channels % Math.min(32, c.head.channels) !== 0) {
    return at('head.channels', 'must be divisible by the GroupNorm groups');
  }
  const maxStride = Math.max(...strides);
  for (let i = 0; i < c.inputSize.length; i++) {
    const side = c.inputSize[i];
    if (side < maxStride) {
      return at(
        'inputSize',
        `each side must be ≥ the largest stride ${maxStride}, got ${side} for ${i === 0 ? 'height' : 'width'}`,
      );
    }
  }
  return null;
}

/** Strides of the pyramid levels the model outputs: 2^level for the inputs, then the extra levels. */
export function fpnStrides(c: Pick<CheckedFields, 'fpn'>): number[] {
  const strides = c.fpn.inLevels.map((l) => 2 ** l);
  const top = strides[strides.length - 1];
  const extra = c.fpn.extra === 'p6p7' ? 2 : c.fpn.extra === 'maxpool' ? 1 : 0;
  for (let i = 1; i <= extra; i++) strides.push(top * 2 ** i);
  return strides;
}

function at(path: string, message: string): { path: string[]; message: string } {
  return { path: path.split('.'), message };
}
