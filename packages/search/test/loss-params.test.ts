import { describe, expect, it } from 'vitest';
import {
  RETINANET_PRESET,
  FASTER_RCNN_RPN_PRESET,
  FASTER_RCNN_ROI_PRESET,
  paramsForHead,
  validateLossParams,
} from '@apdet/losses';
import { lossParamsToTheta, thetaToLossParams } from '../src/loss-params.js';
import {
  FASTER_RCNN_SPACE,
  RETINANET_SPACE,
  identityFunctionMu,
  initialMu,
  spaceDims,
  spaceLayout,
} from '../src/search-space.js';

const roundTo = (v: number[], digits: number) => v.map((x) => Number(x.toFixed(digits)));

describe('search spaces (docs/spec/paper-spec.md §4.3)', () => {
  it('RetinaNet has 5 × 8 + 1 = 41 dims, Faster R-CNN (5 + 5) × 8 + 2 = 82 with the scales last', () => {
    expect(spaceDims(RETINANET_SPACE)).toBe(41);
    expect(spaceDims(FASTER_RCNN_SPACE)).toBe(82);
    const layout = spaceLayout(FASTER_RCNN_SPACE);
    expect(layout.heads.map((h) => h.gradScaleIndex)).toEqual([80, 81]);
    expect(layout.heads[1].functionOffsets).toEqual([40, 48, 56, 64, 72]);
  });

  it('μ0 is the official identity init per function and 0.5 per grad scale', () => {
    const mu = initialMu(RETINANET_SPACE);
    for (let f = 0; f < 5; f++)
      expect(mu.slice(8 * f, 8 * f + 8)).toEqual([0.2, 0.2, 0.25, 0.25, 0.3333, 0.3333, 0.5, 0.5]);
    expect(mu[40]).toBe(0.5);
    expect(initialMu(FASTER_RCNN_SPACE).slice(80)).toEqual([0.5, 0.5]);
    // Other control-point counts: exact identity (4 and 12 numbers per function).
    expect(identityFunctionMu(4)).toEqual([1 / 3, 1 / 3, 1 / 2, 1 / 2]);
  });
});

describe('θ → --loss-params (docs/spec/paper-spec.md §4.2 convert, §5 grad scale; O17, O18)', () => {
  it('O17: convert(μ0) = [0,0, .2,.2, .4,.4, .59998,.59998, .79999,.79999, 1,1] and w(0.5) = 1', () => {
    const params = thetaToLossParams(RETINANET_SPACE, initialMu(RETINANET_SPACE));
    expect(params.loss).toBe('param-ap');
    expect(params.ctrlPoints).toHaveLength(5);
    // x2 = .2 + .25·.8 = .4; x3 = .4 + .3333·.6 = .59998; x4 = .59998 + .5·.40002 = .79999
    for (const row of params.ctrlPoints!)
      expect(roundTo(row, 12)).toEqual([0, 0, 0.2, 0.2, 0.4, 0.4, 0.59998, 0.59998, 0.79999, 0.79999, 1, 1]);
    expect(params.gradScale).toBe(1);
  });

  it('O18: w = 10^(2θ − 1): θ = 0 → 0.1, 0.5 → 1, 1 → 10', () => {
    const theta = initialMu(RETINANET_SPACE);
    for (const [t, w] of [
      [0, 0.1],
      [0.5, 1],
      [1, 10],
    ]) {
      theta[40] = t;
      expect(thetaToLossParams(RETINANET_SPACE, theta).gradScale).toBeCloseTo(w, 14);
    }
  });

  it('O17: convert(inverse(ctrl)) = ctrl for every released row, and the grad scales invert', () => {
    for (const preset of [RETINANET_PRESET, FASTER_RCNN_RPN_PRESET, FASTER_RCNN_ROI_PRESET]) {
      const file = { loss: 'param-ap', ctrlPoints: preset.ctrlPoints.map((r) => [...r]), gradScale: preset.gradScale };
      const theta = lossParamsToTheta(RETINANET_SPACE, file, preset.name);
      expect(theta.every((t) => t >= 0 && t <= 1)).toBe(true);
      const back = thetaToLossParams(RETINANET_SPACE, theta);
      back.ctrlPoints!.forEach((row, f) =>
        row.forEach((v, i) => expect(Math.abs(v - preset.ctrlPoints[f][i])).toBeLessThan(1e-14)),
      );
      expect(back.gradScale).toBeCloseTo(preset.gradScale, 12);
    }
    // The spec's derived policy means of the released scales: (log10 w + 1)/2 = 0.8076 (RetinaNet).
    expect(
      lossParamsToTheta(RETINANET_SPACE, { ctrlPoints: RETINANET_PRESET.ctrlPoints, gradScale: 4.1231 })[40],
    ).toBeCloseTo(0.8076, 4);
  });

  it('the output is accepted by @apdet/losses parseLossParams (--loss param-ap) and gives back the same values', () => {
    const theta = initialMu(RETINANET_SPACE).map((m, i) => (i % 3 === 0 ? 0.7 : m));
    const params = thetaToLossParams(RETINANET_SPACE, theta, { round: 3 });
    const parsed = validateLossParams('param-ap', JSON.parse(JSON.stringify(params)), 'final-params.json');
    const retina = paramsForHead(parsed, 'retina');
    expect(retina['ctrlPoints']).toEqual(params.ctrlPoints);
    expect(retina['gradScale']).toBe(params.gradScale);
    // A file written by a search cannot be used with another loss by mistake.
    expect(() => validateLossParams('param-ap:linear', JSON.parse(JSON.stringify(params)))).toThrow(
      /for loss "param-ap"/,
    );
  });

  it('Faster R-CNN: per-head values under heads.rpn / heads.roi, accepted by parseLossParams, inverse round-trips', () => {
    const theta = initialMu(FASTER_RCNN_SPACE);
    theta[80] = 0.25;
    theta[81] = 0.75;
    theta[41] = 0.6; // RoI H2's y1
    const params = thetaToLossParams(FASTER_RCNN_SPACE, theta);
    expect(Object.keys(params.heads!)).toEqual(['rpn', 'roi']);
    const parsed = validateLossParams('param-ap', JSON.parse(JSON.stringify(params)), 'final-params.json');
    expect(paramsForHead(parsed, 'rpn')['gradScale']).toBeCloseTo(10 ** -0.5, 14);
    expect(paramsForHead(parsed, 'roi')['gradScale']).toBeCloseTo(10 ** 0.5, 14);
    expect((paramsForHead(parsed, 'roi')['ctrlPoints'] as number[][])[0][3]).toBeCloseTo(0.6, 15);
    const back = lossParamsToTheta(FASTER_RCNN_SPACE, params);
    back.forEach((t, i) => expect(t).toBeCloseTo(theta[i], 12));
  });

  it('rejects θ of the wrong length and loss params missing a head, naming the problem', () => {
    expect(() => thetaToLossParams(RETINANET_SPACE, [0.5])).toThrow(
      /θ has 1 numbers, but search space 'retinanet' has 41/,
    );
    expect(() => lossParamsToTheta(FASTER_RCNN_SPACE, { heads: { rpn: {} } }, 'x.json')).toThrow(
      /x.json: heads.rpn: expected ctrlPoints with 5 rows/,
    );
  });
});
