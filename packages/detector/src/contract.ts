/**
 * The detector contract: what the apps (train, eval, search, detect) may ask of a detector, and
 * what a detector package declares about itself. A detector is one package implementing these
 * plus one line in the apps' registry (apps/train/src/detectors.ts); the apps never branch on a
 * detector's name, a detector never branches on a loss name (the loss's registry entry declares
 * what it needs, `DetectionLoss.needs`), and a loss never knows a detector.
 */
import type * as tf from '@tensorflow/tfjs';
import type { DetectionLoss, HeadKind } from '@apdet/losses';
import type { Module } from '@apdet/nn';
import type { ImageGeometry, TrainBatch } from './batch.js';
import type { DetectorConfigBase } from './config/index.js';
import type { Detections } from './detections.js';

/** Per-step facts a loss computation may depend on (e.g. seeded RoI sampling). */
export interface LossContext {
  /** The optimisation step being computed (0-based): sampling seeded by (seed, iter) is resumable. */
  iter: number;
  /** The run's seed. */
  seed: number;
}

/** A detector's loss for one batch, built inside the gradient tape. */
export interface DetectorLoss {
  /** What the optimiser minimises: the sum of `parts`. */
  total: tf.Scalar;
  /** Additive, already weighted terms named `<head>/<term>`, e.g. `retina/pap`, `rpn/ce`, `roi/giou`. */
  parts: Record<string, tf.Scalar>;
  /** Host-side facts of the batch known without reading the device, e.g. `retina/positives`. */
  stats: Record<string, number>;
}

/**
 * An optimiser parameter-group rule: parameters whose dotted name matches get their learning
 * rate and weight decay multiplied (Deformable DETR trains its backbone at lr × 0.1,
 * docs/spec/detectors.md). The first matching rule wins.
 */
export interface ParamGroupRule {
  match: RegExp;
  lrMult?: number;
  weightDecayMult?: number;
}

/** A detector: a {@link Module} that computes its training loss and detects. */
export interface Detector extends Module {
  /** The registry name of its kind (`retinanet`, …), recorded in manifests and checkpoints. */
  readonly kind: string;
  /** The resolved config it was built from. */
  readonly config: DetectorConfigBase;
  /** The loss heads it has, in order (`retina` | `rpn` + `roi` | `detr`): they drive `--loss-params` and the search space. */
  readonly heads: readonly HeadKind[];
  /** The registry loss it was built for (the classifier's shape and init depend on it). */
  readonly loss: DetectionLoss;
  /**
   * The training loss of a batch. Call inside the gradient closure (`valueAndGrads`); every
   * tensor it does not return is disposed by the caller's tidy scope.
   */
  computeLoss(batch: TrainBatch, ctx: LossContext): DetectorLoss;
  /**
   * Detections for a batch of normalised NHWC images (padded to one size), one per geometry,
   * in original image coordinates. Leaves no tensor behind and restores the training mode.
   */
  detect(images: tf.Tensor4D, geometries: readonly ImageGeometry[]): Detections[];
  /** Optimiser parameter-group rules (none: every parameter at the base lr and weight decay). */
  paramGroupRules(): readonly ParamGroupRule[];
  /** Parameter-name prefixes a warm start (`--init`) copies from another run: the feature extractor, not the heads. */
  readonly warmStartPrefixes: readonly string[];
  /**
   * Fills the backbone from ImageNet weights (a safetensors file with torchvision's names);
   * every backbone parameter must be present with the right shape. Returns the tensor count.
   */
  loadPretrainedBackbone(file: string): Promise<number>;
}

/** Options of {@link DetectorSpec.build}. */
export interface BuildOptions {
  loss: DetectionLoss;
  /** Initialisation seed: the same seed gives bit-identical parameters on every backend. */
  seed: number;
}

/** What the loss search needs of a detector (docs/spec/paper-spec.md §7–8). */
export interface SearchSpec {
  /** The heads whose Parameterized AP functions are searched, in order. */
  heads: readonly HeadKind[];
  /**
   * The proxy trainings' config: `{ base: <preset>, ...overrides }` (a short run with a
   * constant lr after warm-up, like the official proxy, docs/spec/paper-spec.md §8).
   */
  proxyConfig: Record<string, unknown>;
}

/** A detector package's declaration of itself: presets, config parsing, construction, search facts. */
export interface DetectorSpec<C extends DetectorConfigBase = DetectorConfigBase> {
  /** Registry name (`pnpm nx train <name>`). */
  readonly name: string;
  /** One line for `--help`. */
  readonly summary: string;
  /** The loss heads its detectors have. */
  readonly heads: readonly HeadKind[];
  /** Named configurations (what `--config <name>` accepts). */
  readonly presets: Readonly<Record<string, C>>;
  readonly defaultPreset: string;
  /** A preset by name (a deep copy); an unknown name is a one-line UserError listing the valid ones. */
  preset(name: string): C;
  /**
   * `base` with a partial override object applied (sections merged field by field, arrays
   * replaced) and validated; problems are one-line UserErrors `<source>: <field.path>: <problem>`.
   */
  resolveConfig(base: C, overrides: unknown, source: string): C;
  /** A `--config` file's JSON: `{ "base": "<preset>", ...overrides }` (base defaults to the default preset). */
  configFromJson(json: unknown, source: string): C;
  /** A detector for a resolved config, built for a registry loss. */
  build(config: C, options: BuildOptions): Detector;
  readonly search: SearchSpec;
}
