import { describe, expect, it } from 'vitest';
import { DEFAULT_AREA_RANGES, defaultParams, evaluateCoco, linspace, prCurve, pyFixed } from '../src/index.js';
import { loadScenario } from './helpers.js';

const EPS = 2.220446049250313e-16; // np.spacing(1)

/** One image, one category, 3 large GTs; detections: 0.9 on A (TP), 0.8 nowhere (FP), 0.7 on B (TP). */
function handCase() {
  const gt = {
    images: [{ id: 1 }],
    categories: [{ id: 1, name: 'thing' }],
    annotations: [
      { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 100, 100], area: 10000, iscrowd: 0 },
      { id: 2, image_id: 1, category_id: 1, bbox: [200, 0, 100, 100], area: 10000, iscrowd: 0 },
      { id: 3, image_id: 1, category_id: 1, bbox: [400, 0, 100, 100], area: 10000, iscrowd: 0 },
    ],
  };
  const dt = [
    { image_id: 1, category_id: 1, bbox: [0, 0, 100, 100], score: 0.9 },
    { image_id: 1, category_id: 1, bbox: [0, 300, 100, 100], score: 0.8 },
    { image_id: 1, category_id: 1, bbox: [200, 0, 100, 100], score: 0.7 },
  ];
  return { gt, dt };
}

describe('opt-in extensions', () => {
  it('custom maxDets are honoured by summarize (hand-computed)', () => {
    const { gt, dt } = handCase();
    const r = evaluateCoco(gt, dt, { maxDets: [1, 2, 3] });
    // rc = [1/3, 1/3, 2/3]; pr = [1/(1+eps), 1/(2+eps), 2/(3+eps)] -> envelope [p1, p3, p3];
    // recall thresholds 0.00..0.33 (34 of them) read p1, 0.34..0.66 (33) read p3, the rest 0.
    const ap3 = (34 * (1 / (1 + EPS)) + 33 * (2 / (3 + EPS))) / 101;
    const ap1 = (34 * (1 / (1 + EPS))) / 101;
    expect(r.summary.map((s) => [s.metric, s.maxDet, s.area])).toEqual([
      ['AP', 3, 'all'],
      ['AP', 3, 'all'],
      ['AP', 3, 'all'],
      ['AP', 3, 'small'],
      ['AP', 3, 'medium'],
      ['AP', 3, 'large'],
      ['AR', 1, 'all'],
      ['AR', 2, 'all'],
      ['AR', 3, 'all'],
      ['AR', 3, 'small'],
      ['AR', 3, 'medium'],
      ['AR', 3, 'large'],
    ]);
    expect(r.stats[0]).toBeCloseTo(ap3, 15); // pycocotools would print -1 here (it hard-codes 100)
    expect(r.stats[1]).toBeCloseTo(ap3, 15);
    expect(r.stats[3]).toBe(-1); // no small objects
    expect(r.stats[5]).toBeCloseTo(ap3, 15);
    // (means of ten equal values: equal up to rounding)
    [1 / 3, 1 / 3, 2 / 3].forEach((v, i) => expect(r.stats[6 + i]).toBeCloseTo(v, 15));
    expect(r.summary[0].line).toBe(' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=  3 ] = 0.554');
    const r1 = evaluateCoco(gt, dt, { maxDets: [1] });
    expect(r1.stats[0]).toBeCloseTo(ap1, 15);
    expect(r1.summary).toHaveLength(3 + 3 + 1 + 3);
  });

  it('default maxDets give the same 12 rows as pycocotools', () => {
    const { gt, dt } = handCase();
    const r = evaluateCoco(gt, dt);
    expect(r.stats).toHaveLength(12);
    expect(r.stats[8]).toBeCloseTo(2 / 3, 15);
  });

  it('custom IoU thresholds equal to the defaults give identical results', () => {
    const { gt, dt } = loadScenario('p01_basic');
    const base = evaluateCoco(gt, dt);
    const same = evaluateCoco(gt, dt, {
      iouThrs: linspace(0.5, 0.95, 10),
      maxDets: [1, 10, 100],
      areaRanges: DEFAULT_AREA_RANGES.map((a) => ({ ...a })),
    });
    expect(same.stats).toEqual(base.stats);
    expect(Array.from(same.precision.data)).toEqual(Array.from(base.precision.data));
    expect(Array.from(same.scores.data)).toEqual(Array.from(base.scores.data));
  });

  it('a single IoU threshold 0.5: AP = AP50 of the default run, AP75 undefined', () => {
    const { gt, dt } = loadScenario('p01_basic');
    const base = evaluateCoco(gt, dt);
    const r = evaluateCoco(gt, dt, { iouThrs: [0.5] });
    expect(r.stats[0]).toBe(base.stats[1]);
    expect(r.stats[1]).toBe(base.stats[1]);
    expect(r.stats[2]).toBe(-1);
    expect(r.summary[0].line).toContain('IoU=0.50:0.50');
  });

  it('extra labelled area ranges add rows and leave the default ones unchanged', () => {
    const { gt, dt } = loadScenario('p03_area_ranges');
    const base = evaluateCoco(gt, dt);
    const r = evaluateCoco(gt, dt, { areaRanges: [...DEFAULT_AREA_RANGES, { label: 'tiny', range: [0, 16 ** 2] }] });
    expect(r.stats.slice(0, 6)).toEqual(base.stats.slice(0, 6));
    expect(r.summary[6]).toMatchObject({ metric: 'AP', area: 'tiny' });
    expect(r.summary.filter((s) => s.area === 'tiny')).toHaveLength(2);
  });

  it('rejects malformed parameters', () => {
    const { gt, dt } = handCase();
    expect(() => evaluateCoco(gt, dt, { iouThrs: [0.5, 1.5] })).toThrow(/iouThrs\[1\] is 1.5/);
    expect(() => evaluateCoco(gt, dt, { maxDets: [10, 1] })).toThrow(/strictly increasing/);
    expect(() => evaluateCoco(gt, dt, { areaRanges: [{ label: 'x', range: [5, 1] }] })).toThrow(/lo <= hi/);
  });

  it('prCurve reads the interpolated curve', () => {
    const { gt, dt } = handCase();
    const curve = prCurve(evaluateCoco(gt, dt));
    expect(curve.recall).toHaveLength(101);
    expect(curve.precision[0]).toBe(1 / (1 + EPS));
    expect(curve.precision[34]).toBe(2 / (3 + EPS));
    expect(curve.precision[67]).toBe(0);
    expect(curve.scores[34]).toBe(0.7);
    expect(() => prCurve(evaluateCoco(gt, dt), { iouThr: 0.52 })).toThrow(RangeError);
  });
});

describe('numeric helpers', () => {
  it('pyFixed rounds exact ties to even like Python format()', () => {
    expect(pyFixed(0.0625, 3)).toBe('0.062'); // toFixed gives 0.063
    expect(pyFixed(0.4375, 3)).toBe('0.438');
    expect(pyFixed(0.1875, 3)).toBe('0.188');
    expect(pyFixed(0.125, 2)).toBe('0.12');
    expect(pyFixed(-1, 3)).toBe('-1.000');
    expect(pyFixed(0.3801338, 3)).toBe('0.380');
  });

  it('defaultParams reproduces numpy linspace values', () => {
    const p = defaultParams();
    expect(p.recThrs).toHaveLength(101);
    expect(p.recThrs[100]).toBe(1);
    expect(p.iouThrs[5]).toBe(0.75);
  });
});
