/**
 * The Faster R-CNN config schema: the shared detector fields (@apdet/detector) plus Faster
 * R-CNN's sections, each field with what it accepts and where its paper value comes from
 * (docs/spec/paper-spec.md §9.2, docs/spec/detectors.md A.3 and C), and the cross-field checks
 * of a complete config. The RPN and RoI sections nest their assigner and proposal options like
 * mmdet's `train_cfg.rpn` / `test_cfg.rpn`; overrides merge into them field by field
 * (config/resolve.ts).
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

const positiveInt = numberSchema(1, { integer: true });
const iou = numberSchema(0, { max: 1 });

/** Feature pyramid (torchvision FeaturePyramidNetwork; mmdet FPN with `num_outs=5`). */
export const FPN_CONFIG_SCHEMA = sectionSchema({
  /** Backbone stages fed to the FPN, as C-levels 2–5 (Faster R-CNN: C2–C5 = [2, 3, 4, 5]). Consecutive. */
  inLevels: listSchema(numberSchema(2, { integer: true, max: 5 })),
  /** Channels of every pyramid level (256 in the paper). */
  outChannels: positiveInt,
  /**
   * `maxpool`: one extra level P6 = max_pool(P5, kernel 1, stride 2) (torchvision
   * `LastLevelMaxPool`, mmdet `add_extra_convs=False`); `none`: no extra level.
   */
  extra: oneOfSchema(['maxpool', 'none']),
});

/** RPN anchors (mmdet v2 AnchorGenerator semantics, see @apdet/ops). */
export const ANCHORS_CONFIG_SCHEMA = sectionSchema({
  /** One stride per pyramid level, lowest first; must equal the FPN's output strides (4…64 for P2–P6). */
  strides: listSchema(positiveInt),
  /** Anchor scales relative to the stride (mmdet `scales=[8]`: 32 px at P2 … 512 px at P6). */
  scales: listSchema(numberSchema(0, { minExclusive: true })),
  /** Aspect ratios h/w ({0.5, 1, 2}). */
  ratios: listSchema(numberSchema(0, { minExclusive: true })),
  /** Anchor centre offset as a fraction of the stride: 0 (mmdet v2) or 0.5 (centred in the cell). */
  centerOffset: numberSchema(0, { max: 1 }),
});

/** MaxIoU assigner (mmdet semantics, see @apdet/ops `assignMaxIou`). */
export const ASSIGNER_CONFIG_SCHEMA = sectionSchema({
  /** IoU ≥ this → positive. */
  posIouThr: iou,
  /** IoU < this → negative; in between → ignored. */
  negIouThr: iou,
  /** Minimum IoU of a low-quality (best-candidate) match. */
  minPosIou: iou,
  /** Give every GT its best candidates even below posIouThr. */
  matchLowQuality: booleanSchema(),
});

/** Proposal generation from the RPN outputs (mmdet `rpn_head.get_bboxes`, per image). */
export const PROPOSALS_CONFIG_SCHEMA = sectionSchema({
  /** Best anchors kept per pyramid level before NMS (mmdet `nms_pre`). */
  preNmsTopK: positiveInt,
  /** Proposals kept per image after NMS (mmdet `nms_post` / `max_num`). */
  postNmsTopN: positiveInt,
  /** NMS IoU threshold, applied per level (0.7). */
  nmsIouThreshold: iou,
  /**
   * When > 0, proposals with a side strictly below this (pixels) are dropped before NMS; a side
   * equal to it is kept (mmdet `min_bbox_size` keeps `w >= min_bbox_size`:
   * fundamentalvision/Parameterized-AP-Loss `mmdet/models/dense_heads/paploss_rpn_head.py`
   * L241–251, as src/proposals.ts). 0 in the paper's configs: every proposal is kept.
   */
  minSize: numberSchema(0),
});

/** The region proposal network: head, anchor assignment and proposal options. */
export const RPN_CONFIG_SCHEMA = sectionSchema({
  /** Channels of the 3×3 conv shared by objectness and deltas (256 = the FPN's). */
  channels: positiveInt,
  /** Anchor assigner: 0.7 / 0.3 / min 0.3 with low-quality matches (mmdet 2.1 base). */
  assigner: ASSIGNER_CONFIG_SCHEMA,
  /** Proposals while training (mmdet 2.1: 2000 per level → 1000 per image, NMS 0.7). */
  train: PROPOSALS_CONFIG_SCHEMA,
  /** Proposals at inference (1000 per level → 1000 per image, NMS 0.7). */
  test: PROPOSALS_CONFIG_SCHEMA,
});

/** The RoI head: multi-level RoIAlign, two shared FC layers, classifier and class-specific deltas. */
export const ROI_CONFIG_SCHEMA = sectionSchema({
  /** RoIAlign output bins per side (7). */
  outputSize: positiveInt,
  /** RoIAlign samples per bin and axis; 0 = adaptive ceil(roi / bins) (mmdet `sample_num=0`). */
  samplingRatio: numberSchema(0, { integer: true }),
  /** RoIAlign's half-pixel shift (mmdet 2.1: true; torchvision's default: false). */
  aligned: booleanSchema(),
  /** Box size (pixels) pooled from `canonicalLevel` (224, FPN eq. 1). */
  canonicalScale: numberSchema(0, { minExclusive: true }),
  /** Level of a `canonicalScale` box (4). */
  canonicalLevel: numberSchema(0, { integer: true }),
  /** Pyramid levels RoIs are pooled from, consecutive (P2–P5 = [2, 3, 4, 5]); within the FPN's outputs. */
  levels: listSchema(numberSchema(2, { integer: true, max: 6 })),
  /** Width of the two shared FC layers (1024). */
  fcChannels: positiveInt,
  /** Proposal assigner: 0.5 / 0.5 / 0.5 without low-quality matches (mmdet 2.1 base). */
  assigner: ASSIGNER_CONFIG_SCHEMA,
});

/** Box coders (mmdet DeltaXYWHBBoxCoder) of the two stages. */
export const BOX_CODER_CONFIG_SCHEMA = sectionSchema({
  /**
   * RPN target stds [dx, dy, dw, dh], or null for the loss's (`loss.boxCoderStds('rpn')`:
   * [0.1, 0.1, 0.2, 0.2] for `param-ap`, 1 for the CE baselines, as in the paper's configs).
   */
  rpn: tupleSchema(numberSchema(0, { minExclusive: true }), 4).nullable(),
  /** RoI target stds, or null for the loss's (`loss.boxCoderStds('roi')`: 0.1/0.2 for every loss). */
  roi: tupleSchema(numberSchema(0, { minExclusive: true }), 4).nullable(),
});

/** Inference: per-class post-processing of the RoI head (mmdet `test_cfg.rcnn`). */
export const INFERENCE_CONFIG_SCHEMA = sectionSchema({
  /** Minimum class score (strict >) of a detection (0.05). */
  scoreThreshold: numberSchema(0, { max: 1 }),
  /** Per-class NMS IoU threshold (0.5). */
  nmsIouThreshold: iou,
  /** Detections kept per image (100). */
  maxDetections: positiveInt,
});

/** Every field of a Faster R-CNN config, without the cross-field checks. */
const FASTER_RCNN_FIELDS = DETECTOR_CONFIG_BASE_SCHEMA.extend({
  fpn: FPN_CONFIG_SCHEMA,
  anchors: ANCHORS_CONFIG_SCHEMA,
  rpn: RPN_CONFIG_SCHEMA,
  roi: ROI_CONFIG_SCHEMA,
  boxCoder: BOX_CODER_CONFIG_SCHEMA,
  inference: INFERENCE_CONFIG_SCHEMA,
});

/**
 * A complete Faster R-CNN configuration: every field required, unknown fields refused, then the
 * cross-field checks of {@link fasterRcnnConfigProblem}.
 */
export const FASTER_RCNN_CONFIG_SCHEMA = FASTER_RCNN_FIELDS.superRefine((config, ctx) => {
  const problem = fasterRcnnConfigProblem(config);
  if (problem !== null) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message, input: config });
});

/** What the cross-field checks read of a config (each field's own type already checked). */
type CheckedFields = Pick<z.output<typeof FASTER_RCNN_FIELDS>, 'inputSize' | 'fpn' | 'anchors' | 'rpn' | 'roi'>;

/** A problem at a field path. */
export interface ConfigProblem {
  path: string[];
  message: string;
}

/**
 * The first inconsistency between fields of a config whose fields are each valid, or null: the
 * FPN and RoI levels must be consecutive, the anchor strides must be the FPN's output strides,
 * the RoI levels must be FPN outputs, each assigner's negative threshold must not exceed its
 * positive one, and the input must be at least as large as the coarsest stride.
 */
export function fasterRcnnConfigProblem(c: CheckedFields): ConfigProblem | null {
  const consecutive = (levels: readonly number[]) => levels.every((l, i) => i === 0 || l === levels[i - 1] + 1);
  if (!consecutive(c.fpn.inLevels)) {
    return at('fpn.inLevels', `must be consecutive and increasing, got [${c.fpn.inLevels.join(', ')}]`);
  }
  const strides = fpnStrides(c);
  if (c.anchors.strides.join(',') !== strides.join(',')) {
    const outputs = `levels P${c.fpn.inLevels[0]}… with extra '${c.fpn.extra}'`;
    return at(
      'anchors.strides',
      `must match the FPN outputs (${outputs}): [${strides.join(', ')}], got [${c.anchors.strides.join(', ')}]`,
    );
  }
  const outLevels = fpnLevels(c);
  if (!consecutive(c.roi.levels) || c.roi.levels.some((l) => !outLevels.includes(l))) {
    return at(
      'roi.levels',
      `must be consecutive FPN output levels (P${outLevels[0]}–P${outLevels.at(-1)}), got [${c.roi.levels.join(', ')}]`,
    );
  }
  for (const stage of ['rpn', 'roi'] as const) {
    const { posIouThr, negIouThr } = c[stage].assigner;
    if (negIouThr > posIouThr) {
      return at(`${stage}.assigner.negIouThr`, `must be ≤ posIouThr (${posIouThr}), got ${negIouThr}`);
    }
  }
  const maxStride = Math.max(...strides);
  for (let i = 0; i < c.inputSize.length; i++) {
    if (c.inputSize[i] < maxStride) {
      const side = i === 0 ? 'height' : 'width';
      return at('inputSize', `each side must be ≥ the largest stride ${maxStride}, got ${c.inputSize[i]} for ${side}`);
    }
  }
  return null;
}

/** Pyramid levels the model outputs: the input levels, then P(last + 1) for `maxpool`. */
export function fpnLevels(c: Pick<CheckedFields, 'fpn'>): number[] {
  const levels = [...c.fpn.inLevels];
  if (c.fpn.extra === 'maxpool') levels.push(levels[levels.length - 1] + 1);
  return levels;
}

/** Strides of the pyramid levels the model outputs (2^level). */
export function fpnStrides(c: Pick<CheckedFields, 'fpn'>): number[] {
  return fpnLevels(c).map((l) => 2 ** l);
}

function at(path: string, message: string): ConfigProblem {
  return { path: path.split('.'), message };
}
