/**
 * DETR-style Hungarian matcher cost, with Deformable DETR's defaults
 * (`models/matcher.py::HungarianMatcher`, `main.py`: set_cost_class 2, set_cost_bbox 5,
 * set_cost_giou 2, focal_alpha 0.25, γ = 2):
 *
 *   p = sigmoid(logit[q, class_g])
 *   costClass = α (1−p)^γ (−ln(p + 1e-8)) − (1−α) p^γ (−ln(1 − p + 1e-8))
 *   costL1    = Σ |box_q − box_g|          (normalised cxcywh, L1 "cdist")
 *   costGiou  = −GIoU(xyxy(box_q), xyxy(box_g))
 *   C[q, g]   = 2·costClass + 5·costL1 + 2·costGiou
 *
 * Matching = linear sum assignment on C (queries are rows), one image at a time.
 */
import { convertBoxes } from '../boxes/convert.js';
import { generalizedBoxIouTyped } from '../boxes/iou-typed.js';
import { boxCount } from '../boxes/types.js';
import { linearSumAssignment } from './linear-sum-assignment.js';

export interface DetrMatcherWeights {
  classWeight: number;
  bboxWeight: number;
  giouWeight: number;
  focalAlpha: number;
  focalGamma: number;
}

/** Deformable DETR's matcher settings. */
export const DEFORMABLE_DETR_MATCHER: Readonly<DetrMatcherWeights> = Object.freeze({
  classWeight: 2,
  bboxWeight: 5,
  giouWeight: 2,
  focalAlpha: 0.25,
  focalGamma: 2,
});

export interface DetrMatchInputs {
  /** Classification logits, row-major `[Q, numClasses]`. */
  logits: ArrayLike<number>;
  numClasses: number;
  /** Predicted boxes, normalised cxcywh, flat `[Q·4]`. */
  predBoxes: ArrayLike<number>;
  /** GT class ids `[G]` (0 … numClasses−1). */
  gtLabels: ArrayLike<number>;
  /** GT boxes, normalised cxcywh, flat `[G·4]`. */
  gtBoxes: ArrayLike<number>;
}

/** Focal classification cost of one probability (see module comment). */
export function focalMatchCost(p: number, alpha: number, gamma: number): number {
  const pos = alpha * (1 - p) ** gamma * -Math.log(p + 1e-8);
  const neg = (1 - alpha) * p ** gamma * -Math.log(1 - p + 1e-8);
  return pos - neg;
}

/** Cost matrix `C[q][g]` (rows = queries). */
export function detrMatchCost(
  inputs: DetrMatchInputs,
  weights: DetrMatcherWeights = DEFORMABLE_DETR_MATCHER,
): number[][] {
  const { logits, numClasses, predBoxes, gtLabels, gtBoxes } = inputs;
  const q = boxCount(predBoxes, 'detrMatchCost(predBoxes)');
  const g = boxCount(gtBoxes, 'detrMatchCost(gtBoxes)');
  if (logits.length !== q * numClasses)
    throw new RangeError(`detrMatchCost: ${logits.length} logits for ${q} queries × ${numClasses} classes`);
  if (gtLabels.length !== g) throw new RangeError(`detrMatchCost: ${gtLabels.length} labels for ${g} GT boxes`);
  for (let k = 0; k < g; k++) {
    const c = gtLabels[k];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses)
      throw new RangeError(`detrMatchCost: GT ${k} has class ${c}, outside [0, ${numClasses})`);
  }
  const giou = generalizedBoxIouTyped(
    convertBoxes(predBoxes, 'cxcywh', 'xyxy'),
    convertBoxes(gtBoxes, 'cxcywh', 'xyxy'),
  );
  const cost: number[][] = [];
  for (let i = 0; i < q; i++) {
    const row = new Array<number>(g);
    for (let k = 0; k < g; k++) {
      const p = 1 / (1 + Math.exp(-logits[i * numClasses + gtLabels[k]]));
      let l1 = 0;
      for (let d = 0; d < 4; d++) l1 += Math.abs(predBoxes[4 * i + d] - gtBoxes[4 * k + d]);
      row[k] =
        weights.bboxWeight * l1 +
        weights.classWeight * focalMatchCost(p, weights.focalAlpha, weights.focalGamma) -
        weights.giouWeight * giou[i * g + k];
    }
    cost.push(row);
  }
  return cost;
}

/**
 * Hungarian matching of one image: returns matched query indices (ascending) and the GT index
 * of each. Throws if the cost has NaN (e.g. degenerate zero-size predicted boxes).
 */
export function detrMatch(
  inputs: DetrMatchInputs,
  weights?: DetrMatcherWeights,
): { queryIndices: number[]; gtIndices: number[] } {
  const { rows, cols } = linearSumAssignment(detrMatchCost(inputs, weights));
  return { queryIndices: rows, gtIndices: cols };
}
