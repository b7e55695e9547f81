import { linspace, prCurve } from '@apdet/coco-eval';
import { describe, expect, it } from 'vitest';
import { prSeries, type ReportEvaluation } from '../src/index.js';
import { tinyCoco } from './helpers.js';

/** precision[T=2, R=3, K=2, A=2, M=2] where value = distinct code, category 1 undefined (-1) at A=0. */
function synthetic(): ReportEvaluation {
  const shape = [2, 3, 2, 2, 2];
  const data = new Float64Array(2 * 3 * 2 * 2 * 2);
  for (let t = 0; t < 2; t++)
    for (let r = 0; r < 3; r++)
      for (let k = 0; k < 2; k++)
        for (let a = 0; a < 2; a++)
          for (let m = 0; m < 2; m++)
            data[(((t * 3 + r) * 2 + k) * 2 + a) * 2 + m] =
              k === 1 && a === 0 ? -1 : t * 0.1 + r * 0.01 + a * 0.001 + m * 0.0001;
  return {
    stats: [],
    precision: { data, shape },
    categoryIds: [1, 2],
    categoryNames: ['a', 'b'],
    params: {
      iouThrs: [0.5, linspace(0.5, 0.95, 10)[5]],
      recThrs: [0, 0.5, 1],
      areaRanges: [
        { label: 'all', range: [0, 1e10] },
        { label: 'small', range: [0, 1024] },
      ],
      maxDets: [10, 100],
    },
    perCategory: [],
  };
}

describe('prSeries', () => {
  it('reads precision[t, :, k, a, m] for the chosen IoU, area "all" and the largest maxDet, leaving -1 out', () => {
    const points = prSeries(synthetic(), { iouThr: 0.75 });
    // category b is -1 everywhere at area 'all': no points; a: t=1, a=0, m=1 (maxDet 100).
    expect(points).toEqual(
      [0, 1, 2].map((r) => ({ category: 'a', recall: [0, 0.5, 1][r], precision: 0.1 + r * 0.01 + 0.0001 })),
    );
  });

  it('selects other area ranges and maxDets', () => {
    const points = prSeries(synthetic(), { iouThr: 0.5, area: 'small', maxDet: 10 });
    expect(points.filter((p) => p.category === 'b').map((p) => p.precision)).toEqual([0.001, 0.011, 0.021]);
  });

  it('agrees with @apdet/coco-eval prCurve on a real evaluation', () => {
    const { result } = tinyCoco();
    for (const iouThr of [0.5, 0.75]) {
      const points = prSeries(result, { iouThr });
      result.categoryIds.forEach((categoryId, k) => {
        const expected = prCurve(result, {
          categoryId,
          iouThr: result.params.iouThrs.find((v) => Math.abs(v - iouThr) < 1e-9)!,
        }).precision.filter((p) => p >= 0);
        expect(points.filter((p) => p.category === result.categoryNames[k]).map((p) => p.precision)).toEqual(expected);
      });
      expect(points.length).toBeGreaterThan(0);
    }
  });

  it('rejects an IoU threshold that was not evaluated and a shape that does not match', () => {
    expect(() => prSeries(synthetic(), { iouThr: 0.6 })).toThrow(/IoU threshold 0.6/);
    const bad = { ...synthetic(), categoryNames: ['a'] };
    expect(() => prSeries(bad, { iouThr: 0.5 })).toThrow(/does not match/);
  });
});
