/**
 * The typed RetinaNet configuration. Every field is required in a resolved config; user
 * overrides are partial and validated by `resolveConfig` (unknown fields are errors).
 */

/** Backbone: a (possibly slimmed) torchvision-layout ResNet. */
export interface BackboneConfig {
  /** ResNet depth: 18/34 (basic blocks) or 50/101 (bottlenecks). */
  depth: 18 | 34 | 50 | 101;
  /** Multiplies every width (stem 64·w, stage planes 64·w·2^i). 1 = the standard network. */
  widthMultiplier: number;
  /** Blocks per stage overriding the depth's standard counts (e.g. [1, 1, 1, 1]); null = standard. */
  blocks: [number, number, number, number] | null;
  /** mmdet `frozen_stages`: 0 none, 1 stem + layer1 (detection default), … 4 all. */
  frozenStages: number;
  /** `frozen-bn` (pretrained detection default), `bn` (batch statistics), `gn` (GroupNorm, for training from scratch). */
  norm: 'frozen-bn' | 'bn' | 'gn';
  /**
   * ImageNet weights for the backbone: a safetensors file with torchvision's ResNet names and
   * layouts (make one with `packages/nn/tools/torch-to-safetensors.py --torchvision resnet50
   * --weights IMAGENET1K_V1 r50.safetensors`; timm's `resnet50.tv_in1k` file has the same
   * names). Loaded when a run starts, never on resume. null = random initialisation.
   */
  pretrained: string | null;
}

/** Feature pyramid. */
export interface FpnConfig {
  /** Backbone stages fed to the FPN, as C-levels: 2–5 (C3–C5 = [3, 4, 5] for RetinaNet). Consecutive. */
  inLevels: number[];
  /** Channels of every pyramid level (256 in the paper). */
  outChannels: number;
  /** Extra levels above the last input: `p6p7` (RetinaNet P6, P7), `maxpool` (one level) or `none`. */
  extra: 'p6p7' | 'maxpool' | 'none';
  /** Source of P6 for `p6p7`: `c5` (mmdet `add_extra_convs='on_input'`, the paper's) or `p5`. */
  extraFrom: 'c5' | 'p5';
  /** ReLU between P6 and P7 (torchvision: true; mmdet's RetinaNet: false). */
  reluBeforeP7: boolean;
}

/** The classification and regression towers, shared across pyramid levels. */
export interface HeadConfig {
  /** 3×3 conv + (norm) + ReLU layers per tower (4 in RetinaNet). */
  stackedConvs: number;
  /** Channels of the tower convs (256 in RetinaNet). */
  channels: number;
  /** Normalisation in the towers: `none` (RetinaNet) or `gn` (GroupNorm, 32 groups or fewer). */
  norm: 'none' | 'gn';
  /**
   * Classification bias prior π (bias = −log((1−π)/π)); null = take it from the loss registry's
   * classifier spec, which is 0.01 for every RetinaNet entry (the RetinaNet paper's value).
   */
  priorProbability: number | null;
}

/** Anchors (mmdet v2 AnchorGenerator semantics, see @apdet/ops). */
export interface AnchorsConfig {
  /** One stride per pyramid level, lowest first; must equal the FPN's output strides. */
  strides: number[];
  /** Scales per level are octaveBaseScale · 2^(i/scalesPerOctave). */
  octaveBaseScale: number;
  /** 3 in RetinaNet, 2 in the PAP paper's config (A = 6 with 3 ratios). */
  scalesPerOctave: number;
  /** Aspect ratios h/w. */
  ratios: number[];
  /** Anchor centre offset as a fraction of the stride: 0 (mmdet v2) or 0.5 (centred in the cell). */
  centerOffset: number;
}

/** Box coder (mmdet DeltaXYWHBBoxCoder). */
export interface BoxCoderConfig {
  /**
   * Target stds [dx, dy, dw, dh], or null to use the loss's own (`loss.boxCoderStds('retina')`:
   * [0.1, 0.1, 0.2, 0.2] for `param-ap`, whose unit-anchor decoding requires them; 1 for the
   * focal/CE baselines, as in the paper's baseline configs). Fix them only to study the coder.
   */
  stds: [number, number, number, number] | null;
}

/** MaxIoU assigner (mmdet semantics, see @apdet/ops). */
export interface AssignerConfig {
  /** IoU ≥ this → positive (0.5). */
  posIouThr: number;
  /** IoU < this → negative (0.4); in between → ignored. */
  negIouThr: number;
  /** Minimum IoU of a low-quality (best-anchor) match (0 in RetinaNet). */
  minPosIou: number;
  /** Give every GT its best anchors even below posIouThr (true in RetinaNet). */
  matchLowQuality: boolean;
  /** Anchors whose IoF with a crowd box is > this are ignored; ≤ 0 disables (mmdet: crowd boxes then just vanish). */
  crowdIofThr: number;
}

/** Inference / post-processing. */
export interface InferenceConfig {
  /** (anchor, class) candidates kept per level before NMS (1000). */
  preNmsTopK: number;
  /** Minimum score (strict >) of a candidate (0.05). */
  scoreThreshold: number;
  /** Class-aware NMS IoU threshold (0.5; the PAP paper's config uses 0.6). */
  nmsIouThreshold: number;
  /** Detections kept per image (100). */
  maxDetections: number;
}

/** Training schedule and optimiser (read by apps/train). */
export interface TrainConfig {
  /** Images per step (all devices together). */
  batchSize: number;
  /**
   * `sgd` (momentum SGD, the paper's) or `adamw` (PyTorch AdamW; `momentum` is then β1). AdamW
   * is for small models trained from scratch on CPU, where it converges in far fewer steps.
   */
  optimizer: 'sgd' | 'adamw';
  /** Base learning rate for `batchSize` images. */
  lr: number;
  momentum: number;
  weightDecay: number;
  /** Linear warm-up iterations and start ratio. */
  warmupIters: number;
  warmupRatio: number;
  epochs: number;
  /** `step`: ×0.1 after each of `lrSteps` epochs; `cosine`: cosine decay to 0 over all epochs (`lrSteps` unused). */
  lrSchedule: 'step' | 'cosine';
  /** Epochs after which the lr is multiplied by 0.1 (`lrSchedule: 'step'`). */
  lrSteps: number[];
  /** Gradient-norm clip (0 = none). */
  gradClipNorm: number;
  /** Train / test pipeline preset names of @apdet/data (`paper-train`, `shapes-train`, …). */
  trainPipeline: string;
  testPipeline: string;
  /** Default dataset: `shapes` (the built-in generated dataset) or `coco` (give --data). */
  dataset: 'shapes' | 'coco';
}

/** A complete RetinaNet configuration. */
export interface RetinaNetConfig {
  /** Preset name, for logs and manifests. */
  name: string;
  /** C, foreground classes. */
  numClasses: number;
  /** Training input [height, width] (images are resized/padded to it by the pipeline). */
  inputSize: [number, number];
  backbone: BackboneConfig;
  fpn: FpnConfig;
  head: HeadConfig;
  anchors: AnchorsConfig;
  boxCoder: BoxCoderConfig;
  assigner: AssignerConfig;
  inference: InferenceConfig;
  train: TrainConfig;
}

/** A deep-partial override of a config (what a user's JSON file or CLI flags give). */
export type RetinaNetConfigOverrides = {
  [K in keyof RetinaNetConfig]?: RetinaNetConfig[K] extends unknown[] ? RetinaNetConfig[K] : RetinaNetConfig[K] extends object ? Partial<RetinaNetConfig[K]> : RetinaNetConfig[K];
};
