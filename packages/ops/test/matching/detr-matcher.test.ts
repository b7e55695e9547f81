import { describe, expect, it } from 'vitest';
import { DEFORMABLE_DETR_MATCHER, detrMatch, detrMatchCost, focalMatchCost } from '../../src/index.js';

describe('DETR matcher cost (Deformable DETR defaults)', () => {
  it('defaults are class 2, L1 5, GIoU 2, α 0.25, γ 2', () => {
    expect(DEFORMABLE_DETR_MATCHER).toEqual({
      classWeight: 2,
      bboxWeight: 5,
      giouWeight: 2,
      focalAlpha: 0.25,
      focalGamma: 2,
    });
  });

  it('computes a hand-checked 1×1 cost', () => {
    const logit = 0.3;
    const p = 1 / (1 + Math.exp(-logit));
    // pred (cx,cy,w,h) = (0.5,0.5,0.2,0.2) → [0.4,0.4,0.6,0.6]; gt (0.55,0.5,0.2,0.4) → [0.45,0.3,0.65,0.7]
    const inter = 0.15 * 0.2,
      union = 0.04 + 0.08 - inter,
      enclose = 0.25 * 0.4;
    const giou = inter / union - (enclose - union) / enclose;
    const cls = 0.25 * (1 - p) ** 2 * -Math.log(p + 1e-8) - 0.75 * p ** 2 * -Math.log(1 - p + 1e-8);
    const expected = 5 * (0.05 + 0 + 0 + 0.2) + 2 * cls - 2 * giou;
    const cost = detrMatchCost({
      logits: [9, logit],
      numClasses: 2,
      predBoxes: [0.5, 0.5, 0.2, 0.2],
      gtLabels: [1],
      gtBoxes: [0.55, 0.5, 0.2, 0.4],
    });
    expect(cost[0][0]).toBeCloseTo(expected, 12);
    expect(focalMatchCost(p, 0.25, 2)).toBeCloseTo(cls, 14);
  });

  it('matches each GT to the query that predicts it', () => {
    const gtBoxes = [0.2, 0.2, 0.1, 0.1, 0.7, 0.6, 0.3, 0.2];
    const predBoxes = [0.5, 0.5, 0.5, 0.5, 0.71, 0.6, 0.3, 0.2, 0.9, 0.9, 0.1, 0.1, 0.2, 0.21, 0.1, 0.1];
    const logits = [-2, -2, 3, -3, -2, -2, 2.5, -1]; // 4 queries × 2 classes
    const m = detrMatch({ logits, numClasses: 2, predBoxes, gtLabels: [0, 0], gtBoxes });
    expect(m).toEqual({ queryIndices: [1, 3], gtIndices: [1, 0] });
  });

  it('rejects inconsistent inputs', () => {
    expect(() =>
      detrMatchCost({ logits: [0], numClasses: 2, predBoxes: [0, 0, 1, 1], gtLabels: [0], gtBoxes: [0, 0, 1, 1] }),
    ).toThrow(/1 logits/);
    expect(() =>
      detrMatchCost({ logits: [0, 0], numClasses: 2, predBoxes: [0, 0, 1, 1], gtLabels: [2], gtBoxes: [0, 0, 1, 1] }),
    ).toThrow(/class 2/);
  });
});
