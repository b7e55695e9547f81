import type * as tf from '@tensorflow/tfjs';

/**
 * The kind of detection head a loss is applied to. Used ONLY to look defaults up in tables
 * (which searched preset, which loss weights and normaliser, which classifier init); a detector
 * never branches on the loss, and a loss never branches on the detector beyond these tables.
 * - `retina`: a dense one-stage head (RetinaNet), all anchors × C sigmoid classes.
 * - `rpn`: a region-proposal head, one "object" class (C = 1), sampled anchors.
 * - `roi`: a second-stage (Faster R-CNN RoI) head, sampled RoIs × C classes.
 * - `detr`: a set-prediction decoder layer (Deformable DETR), queries × C, Hungarian-matched.
 */
export type HeadKind = 'retina' | 'rpn' | 'roi' | 'detr';

export const HEAD_KINDS: readonly HeadKind[] = ['retina', 'rpn', 'roi', 'detr'];

/** A predicted tensor and the target it is compared with, row-aligned. */
export interface PredTarget {
  pred: tf.Tensor2D;
  target: tf.Tensor2D;
}

/**
 * What a detector hands to any registry loss for one head (one call per head and per decoder
 * layer; all images of the batch concatenated along N).
 *
 * Conventions (N = anchors / RoIs / queries of the whole batch, C = foreground classes):
 * - `labels` int32 `[N]`: the assigned class `c ∈ [0, C)` for a positive, `C` for a negative
 *   (background, mmdet's convention), `−1` for an ignored sample (ignore band, not sampled,
 *   padding). For the RPN, C = 1: 0 = object, 1 = background.
 * - `logits` `[N, K]` raw scores, `K = loss.numLogits(headKind, C)`: C for sigmoid classifiers,
 *   C + 1 for softmax classifiers (background logit LAST). The RPN passes `[N, 1]`.
 * - `boxes` (if `loss.needs(headKind).boxes`): decoded predicted boxes and the matched GT boxes,
 *   `[N, 4]` xyxy, in any one coordinate frame (pixels, normalised, or unit-anchor), NOT clipped
 *   to the image. Rows of non-positives are ignored but must be finite (e.g. zeros).
 *   Must be differentiable w.r.t. the network's box outputs (decode with tfjs ops).
 * - `regression` (if `loss.needs(headKind).regression`): the head's native regression output and
 *   its target, `[N, D]`: encoded deltas for anchor/RoI heads (for class-specific RoI
 *   regression, the deltas of the GT class), normalised cxcywh boxes for DETR. Non-positive
 *   rows are ignored (finite).
 */
export interface DetectionLossInputs {
  headKind: HeadKind;
  /** C, the number of foreground classes (1 for the RPN). */
  numClasses: number;
  logits: tf.Tensor2D;
  labels: tf.Tensor1D;
  boxes?: PredTarget;
  regression?: PredTarget;
}

/**
 * A loss value for one head. `total` is what to minimise; `parts` are its additive terms,
 * already weighted and normalised (they sum to `total`), named after the loss that made them
 * (`focal`, `ce`, `l1`, `smooth_l1`, `giou`, `pap`) for logging.
 * `total` depends (possibly with zero gradient) on `logits` and on every box tensor the loss
 * needs, so `tf.grads` never reports a disconnected input.
 */
export interface LossOutput {
  total: tf.Scalar;
  parts: Record<string, tf.Scalar>;
}

/** How the classification branch must be built and read for a loss. */
export interface ClassifierSpec {
  /** `sigmoid`: C independent logits. `softmax`: C + 1 logits, background last. */
  activation: 'sigmoid' | 'softmax';
  /**
   * Initialise the classification bias to −log((1 − π)/π) for this prior π (RetinaNet's 0.01),
   * or `null` for the detector's ordinary init (bias 0).
   */
  priorProbability: number | null;
}

/** Per-coordinate stds of the DeltaXYWH box coder: [dx, dy, dw, dh]. */
export type BoxCoderStds = readonly [number, number, number, number];

/**
 * How a head's training samples are chosen (mmdet v2 samplers), declared by the loss
 * (docs/spec/detectors.md A.3 and C): the detector draws the samples, the loss says which kind.
 * - `pseudo`: every assigned sample (positives and negatives), no GT added (mmdet
 *   `PseudoSampler`): RetinaNet, the PAP RoI head, DETR.
 * - `random`: up to ⌊num·posFraction⌋ positives drawn uniformly, the rest negatives (mmdet
 *   `RandomSampler`); `addGtAsProposals` prepends the GT boxes to the candidates first (RoI
 *   heads only: anchors cannot have GT boxes added).
 */
export type SamplerSpec =
  { kind: 'pseudo' } | { kind: 'random'; num: number; posFraction: number; addGtAsProposals: boolean };

/** Which optional inputs a loss reads for a head. */
export interface LossNeeds {
  boxes: boolean;
  regression: boolean;
}

/** A loss from the registry, bound to its (validated) `--loss-params`. */
export interface DetectionLoss {
  /** The registry name, e.g. `param-ap` or `focal+giou`. */
  readonly name: string;
  /** One line for `--help` and logs. */
  readonly summary: string;
  /** Inputs to provide for this head (providing more is allowed). */
  needs(headKind: HeadKind): LossNeeds;
  /** How to build the classifier of this head. */
  classifier(headKind: HeadKind): ClassifierSpec;
  /**
   * How this head's training samples are chosen (docs/spec/detectors.md A.3, C): the CE
   * baselines of Faster R-CNN sample (RPN 256 / 0.5, RoI 512 / 0.25 with GT added), the PAP
   * RoI head ranks every proposal (`pseudo`), dense heads and DETR use every assigned sample.
   */
  sampler(headKind: HeadKind): SamplerSpec;
  /**
   * The DeltaXYWH coder stds this loss was designed with for an anchor/RoI head (detectors use
   * them unless their config fixes others). They set the scale of the regression deltas, so
   * they matter to every loss term on deltas and to the gradient reaching them: the PAP loss
   * decodes with [0.1, 0.1, 0.2, 0.2] (docs/spec/paper-spec.md §9.1), mmdet's focal+L1/GIoU RetinaNet and RPN
   * baselines use 1 (docs/spec/paper-spec.md §10.2), its RoI heads 0.1/0.2.
   */
  boxCoderStds(headKind: HeadKind): BoxCoderStds;
  /** K, the number of classification logits per sample for C foreground classes. */
  numLogits(headKind: HeadKind, numClasses: number): number;
  /** Per-class probabilities `[N, C]` for inference (sigmoid, or softmax without background). */
  scores(headKind: HeadKind, logits: tf.Tensor2D): tf.Tensor2D;
  /** The resolved settings of this head as JSON (weights, preset, control points), for manifests. */
  settings(headKind: HeadKind): Record<string, unknown>;
  /** The loss of one head. Must be called inside the gradient closure (e.g. optimizer.minimize). */
  compute(inputs: DetectionLossInputs): LossOutput;
}
