// Default settings of the baseline registry entries per head kind, with where each number
// comes from. These tables are the ONLY place where a loss depends on the detector.
import type { BoxCoderStds, HeadKind } from './types.js';

/** What a term's sum is divided by (mmdet's avg_factor): #positives or #valid (non-ignored) samples, at least 1. */
export type Normaliser = 'positives' | 'valid';

export type ClsTerm =
  | { kind: 'focal'; weight: number; alpha: number; gamma: number; normaliser: Normaliser }
  | { kind: 'bce'; weight: number; normaliser: Normaliser }
  /** Softmax over C + 1 logits; 'weighted-mean' = Σ wᵢℓᵢ / Σ wᵢ with the background weight (DETR). */
  | { kind: 'softmax-ce'; weight: number; backgroundWeight: number; normaliser: Normaliser | 'weighted-mean' };

export interface BoxTerm {
  /** `l1` on `regression` (smooth-L1 when beta > 0); `giou` on decoded `boxes`. */
  kind: 'l1' | 'giou';
  weight: number;
  /** smooth-L1 β for `l1` terms; 0 = plain L1. */
  beta: number;
  normaliser: Normaliser;
}

export interface BaselineHeadSettings {
  cls: ClsTerm;
  box: BoxTerm[];
  /** Classifier bias prior (RetinaNet 0.01), null = bias 0. */
  priorProbability: number | null;
}

export type BaselineName =
  'focal+l1' | 'focal+giou' | 'focal+l1+giou' | 'ce+l1' | 'ce+giou' | 'ce+smooth-l1' | 'ce+l1+giou';

/** A box term named in an entry: plain L1, smooth-L1 (β = {@link SMOOTH_L1_BETA}) or GIoU. */
type BoxKind = 'l1' | 'smooth-l1' | 'giou';

/**
 * torchvision's Faster R-CNN smooth-L1 β, in both heads (`rpn.py` `compute_loss` and
 * `roi_heads.py` `fastrcnn_loss`: `beta=1 / 9`; docs/spec/detectors.md C).
 */
export const SMOOTH_L1_BETA = 1 / 9;

/** Focal defaults (Lin et al. 2017; torchvision; mmdet RetinaNet; Deformable DETR). */
export const FOCAL_ALPHA = 0.25;
export const FOCAL_GAMMA = 2;
/** RetinaNet's classifier bias prior; also Deformable DETR's. */
export const PRIOR_PROBABILITY = 0.01;
/** DETR's `eos_coef`: weight of the no-object class in softmax cross-entropy. */
export const DETR_BACKGROUND_WEIGHT = 0.1;

/**
 * Coder stds of the baselines: 1 for the anchor heads (mmdet RetinaNet and RPN, and the paper's
 * `focal+L1`/`focal+giou` RetinaNet configs, docs/spec/paper-spec.md §10.2), 0.1/0.2 for the RoI head (mmdet's
 * Faster R-CNN bbox head); DETR predicts boxes directly, so they are unused there.
 */
export function baselineBoxCoderStds(head: HeadKind): BoxCoderStds {
  return head === 'roi' ? [0.1, 0.1, 0.2, 0.2] : [1, 1, 1, 1];
}

const l1 = (weight: number, normaliser: Normaliser, beta = 0): BoxTerm => ({ kind: 'l1', weight, beta, normaliser });
const giou = (weight: number, normaliser: Normaliser): BoxTerm => ({ kind: 'giou', weight, beta: 0, normaliser });

/**
 * Focal entries: every term is divided by #positives (RetinaNet/mmdet with PseudoSampler,
 * torchvision; DETR's num_boxes is the number of matched queries = positives).
 * Weights: RetinaNet focal 1, L1 1 (`focal+L1_retinanet`), GIoU 2 (`focal+giou_retinanet`);
 * Deformable DETR focal 2, L1 5, GIoU 2. The RPN keeps L1 in the GIoU entries (as the paper's
 * shipped `CE+giou_fasterrcnn` config does for its RPN).
 */
function focalSettings(head: HeadKind, boxKinds: readonly BoxKind[]): BaselineHeadSettings {
  const detr = head === 'detr';
  const cls: ClsTerm = {
    kind: 'focal',
    weight: detr ? 2 : 1,
    alpha: FOCAL_ALPHA,
    gamma: FOCAL_GAMMA,
    normaliser: 'positives',
  };
  const box = boxTermsFor(head, boxKinds, detr ? 5 : 1, 2, 'positives');
  return { cls, box, priorProbability: PRIOR_PROBABILITY };
}

/**
 * Cross-entropy entries, following each detector's CE baseline:
 * - `rpn`: sigmoid BCE on the sampled anchors, cls and box divided by #sampled (valid) anchors,
 *   L1 1 (mmdet RPN); `ce+smooth-l1`: smooth-L1 β 1/9 weight 1, the same normaliser (torchvision:
 *   BCE mean over the sampled anchors, smooth-L1 sum / #sampled; docs/spec/detectors.md C).
 * - `roi`: softmax over C + 1, both terms divided by #sampled RoIs (mmdet BBoxHead), L1 1,
 *   GIoU 10 (`CE+giou_fasterrcnn`, issue [I]: the paper's baseline config), smooth-L1 β 1/9
 *   weight 1 (torchvision `fastrcnn_loss`: CE mean + smooth-L1 sum / #sampled RoIs).
 * - `detr`: softmax over C + 1 with no-object weight 0.1, weighted mean; L1 5, GIoU 2 by #positives (DETR).
 * - `retina`: sigmoid BCE (the focal-loss paper's γ = 0 baseline, no α), all terms by #positives, L1 1, GIoU 2.
 */
function ceSettings(head: HeadKind, boxKinds: readonly BoxKind[]): BaselineHeadSettings {
  switch (head) {
    case 'rpn':
      return {
        cls: { kind: 'bce', weight: 1, normaliser: 'valid' },
        box: boxTermsFor(head, boxKinds, 1, 2, 'valid'),
        priorProbability: null,
      };
    case 'roi':
      return {
        cls: { kind: 'softmax-ce', weight: 1, backgroundWeight: 1, normaliser: 'valid' },
        box: boxTermsFor(head, boxKinds, 1, 10, 'valid'),
        priorProbability: null,
      };
    case 'detr':
      return {
        cls: { kind: 'softmax-ce', weight: 1, backgroundWeight: DETR_BACKGROUND_WEIGHT, normaliser: 'weighted-mean' },
        box: boxTermsFor(head, boxKinds, 5, 2, 'positives'),
        priorProbability: null,
      };
    case 'retina':
      return {
        cls: { kind: 'bce', weight: 1, normaliser: 'positives' },
        box: boxTermsFor(head, boxKinds, 1, 2, 'positives'),
        priorProbability: PRIOR_PROBABILITY,
      };
  }
}

/**
 * The RPN regresses with L1 in the GIoU entries (only the RoI head uses GIoU in the paper's
 * configs) and with smooth-L1 in `ce+smooth-l1` (torchvision's RPN). The L1 weight applies to
 * smooth-L1 too.
 */
function boxTermsFor(
  head: HeadKind,
  kinds: readonly BoxKind[],
  l1Weight: number,
  giouWeight: number,
  normaliser: Normaliser,
): BoxTerm[] {
  const effective: readonly BoxKind[] = head === 'rpn' ? [kinds.includes('smooth-l1') ? 'smooth-l1' : 'l1'] : kinds;
  return effective.map((kind) =>
    kind === 'giou'
      ? giou(giouWeight, normaliser)
      : l1(l1Weight, normaliser, kind === 'smooth-l1' ? SMOOTH_L1_BETA : 0),
  );
}

/** Default settings of a baseline entry for a head. */
export function baselineDefaults(name: BaselineName, head: HeadKind): BaselineHeadSettings {
  const [cls, ...boxes] = name.split('+') as ['focal' | 'ce', ...BoxKind[]];
  return cls === 'focal' ? focalSettings(head, boxes) : ceSettings(head, boxes);
}
