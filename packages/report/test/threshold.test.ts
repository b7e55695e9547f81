import { describe, expect, it } from 'vitest';
import { classThresholds, FALLBACK_SCORE_THRESHOLD, type ReportEvaluation } from '../src/index.js';
import { tinyCoco } from './helpers.js';

/** T=1 (0.5), R=5, K=2, A=1, M=1; category 'b' has no GT (-1). */
function evaluation(): ReportEvaluation {
  const R = 5;
  const precision = new Float64Array(R * 2).fill(-1);
  const scores = new Float64Array(R * 2).fill(-1);
  // category a (k=0): precision 1, 1, 0.8, 0.5, 0 at recall 0, .25, .5, .75, 1 with scores .9 .9 .7 .4 0
  [1, 1, 0.8, 0.5, 0].forEach((p, r) => (precision[r * 2] = p));
  [0.9, 0.9, 0.7, 0.4, 0].forEach((s, r) => (scores[r * 2] = s));
  return {
    stats: [],
    precision: { data: precision, shape: [1, R, 2, 1, 1] },
    scores: { data: scores, shape: [1, R, 2, 1, 1] },
    categoryIds: [7, 9],
    categoryNames: ['a', 'b'],
    params: {
      iouThrs: [0.5],
      recThrs: [0, 0.25, 0.5, 0.75, 1],
      areaRanges: [{ label: 'all', range: [0, 1e10] }],
      maxDets: [100],
    },
    perCategory: [],
  };
}

describe('classThresholds', () => {
  it("'f1' picks the score of the recall threshold with the highest F1, and the fallback where there is none", () => {
    // F1 at r=.25: 2·1·.25/1.25 = .4; r=.5: 2·.8·.5/1.3 = .615; r=.75: 2·.5·.75/1.25 = .6 → r = .5, score .7
    const [a, b] = classThresholds(evaluation(), 'f1');
    expect(a.categoryId).toBe(7);
    expect(a.threshold).toBe(0.7);
    expect(a.point!.recall).toBe(0.5);
    expect(a.point!.f1).toBeCloseTo(0.8 / 1.3, 12);
    expect(b).toEqual({ categoryId: 9, name: 'b', threshold: FALLBACK_SCORE_THRESHOLD, point: null });
  });

  it('a number is used as is for every class', () => {
    expect(classThresholds(evaluation(), 0.25).map((t) => t.threshold)).toEqual([0.25, 0.25]);
  });

  it('on a real evaluation, the F1 threshold is the score of a detection of that class', () => {
    const { result, detections } = tinyCoco();
    const chosen = classThresholds(result, 'f1').filter((t) => t.point !== null);
    expect(chosen.length).toBe(2);
    for (const t of chosen) {
      expect(detections.filter((d) => d.category_id === t.categoryId).map((d) => d.score)).toContain(t.threshold);
    }
  });
});
