import { describe, expect, it } from 'vitest';
import { generateSynthetic } from '../bench/synthetic.js';
import { defaultParams, evaluateCoco, type EvalOptions } from '../src/index.js';
import { loadScenario } from './helpers.js';
import { literalCocoEval, type LiteralParams } from './reference/pycocotools-literal.js';

// The oracle pins stats, recall and one precision slice. These tests compare the FULL
// precision, recall and scores arrays with a literal re-statement of pycocotools (see
// reference/pycocotools-literal.ts), including custom parameters the oracle never used.
function compare(gt: any, dt: any[], options: EvalOptions = {}): void {
  const result = evaluateCoco(gt, dt, options);
  const p = result.params;
  const literal: LiteralParams = {
    iouThrs: [...p.iouThrs],
    recThrs: [...p.recThrs],
    maxDets: [...p.maxDets],
    areaRng: p.areaRanges.map((a) => [a.range[0], a.range[1]]),
    useCats: p.useCats,
  };
  const ref = literalCocoEval(gt, dt, literal);
  // exact: both do the same double operations in the same order
  expect(Array.from(result.precision.data)).toEqual(Array.from(ref.precision));
  expect(Array.from(result.recall.data)).toEqual(Array.from(ref.recall));
  expect(Array.from(result.scores.data)).toEqual(Array.from(ref.scores));
}

describe('full arrays against a literal pycocotools re-statement', () => {
  it('p14 (500 images): precision, recall and scores for every area range and maxDet', () => {
    const { gt, dt } = loadScenario('p14_realistic_500');
    compare(gt, dt as any[]);
  });

  for (const name of ['p02_crowd', 'p06_maxdets', 'p07_score_ties', 'p11_usecats0', 'p13_gt_id_zero']) {
    it(`${name}`, () => {
      const { gt, dt, expected } = loadScenario(name);
      compare(gt, dt as any[], { useCats: expected.useCats === 1 });
    });
  }

  const small = generateSynthetic({ seed: 7, images: 40, categories: 6, detectionsPerImage: 25 });
  it('synthetic case, default parameters, useCats 1 and 0', () => {
    compare(small.gt, small.dt);
    compare(small.gt, small.dt, { useCats: false });
  });

  it('synthetic case, custom IoU thresholds, maxDets and area ranges', () => {
    compare(small.gt, small.dt, {
      iouThrs: [0.3, 0.5, 0.7],
      maxDets: [3, 8, 20],
      areaRanges: [
        { label: 'all', range: [0, 1e10] },
        { label: 'tiny', range: [0, 16 ** 2] },
        { label: 'huge', range: [200 ** 2, 1e10] },
      ],
      recThrs: defaultParams().recThrs.filter((_, i) => i % 5 === 0),
    });
  });
});
