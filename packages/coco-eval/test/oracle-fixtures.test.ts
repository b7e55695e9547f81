import { describe, expect, it } from 'vitest';
import { at, defaultParams, evaluateCoco } from '../src/index.js';
import { loadScenario, maxAbsDiff, scenarioNames } from './helpers.js';

// The 14 public pycocotools scenarios (copied from the oracle). Tolerance 1e-12 absolute, as
// the issue asks; in practice every value is bit-identical (checked separately below).
const TOL = 1e-12;

describe('pycocotools oracle scenarios', () => {
  it('has all 14 public scenarios', () => {
    expect(scenarioNames()).toHaveLength(14);
  });

  it('uses np.linspace thresholds bit for bit', () => {
    const { expected } = loadScenario('p01_basic');
    const params = defaultParams();
    expect(params.iouThrs).toEqual(expected.params.iouThrs);
    expect(params.recThrs).toEqual(expected.params.recThrs);
    expect(params.iouThrs[8]).toBe(0.8999999999999999);
  });

  for (const name of scenarioNames()) {
    it(`${name} matches stats, per-category AP/AP50, recall and the all/100 precision slice`, () => {
      const { gt, dt, expected } = loadScenario(name);
      const result = evaluateCoco(gt, dt, { useCats: expected.useCats === 1 });
      expect(result.categoryIds).toEqual(expected.cat_ids);
      expect(result.precision.shape).toEqual(expected.precision_shape);
      expect(result.recall.shape).toEqual(expected.recall_shape);

      expect(maxAbsDiff(result.stats, expected.stats)).toBeLessThanOrEqual(TOL);
      expect(
        maxAbsDiff(
          result.perCategory.map((c) => c.ap),
          expected.per_category_ap,
        ),
      ).toBeLessThanOrEqual(TOL);
      expect(
        maxAbsDiff(
          result.perCategory.map((c) => c.ap50),
          expected.per_category_ap50,
        ),
      ).toBeLessThanOrEqual(TOL);
      expect(maxAbsDiff(result.recall.data, expected.recall.flat(3))).toBeLessThanOrEqual(TOL);

      const [T, R, K] = expected.precision_shape as [number, number, number];
      const slice: number[] = [];
      for (let t = 0; t < T; t++)
        for (let r = 0; r < R; r++) for (let k = 0; k < K; k++) slice.push(at(result.precision, t, r, k, 0, 2));
      expect(maxAbsDiff(slice, expected.precision_area_all_maxdet100.flat(2))).toBeLessThanOrEqual(TOL);

      expect(result.summary.map((s) => s.line)).toEqual(expected.summary_lines);
      // stronger than asked: identical doubles (numpy's summation order is reproduced)
      expect(result.stats).toEqual(expected.stats);
    });
  }

  it('p05 reports the detections of unknown categories it drops (like pycocotools)', () => {
    const { gt, dt } = loadScenario('p05_category_mismatch');
    const result = evaluateCoco(gt, dt);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatchObject({ part: 'detections', code: 'unknown-category', count: 8 });
  });
});
