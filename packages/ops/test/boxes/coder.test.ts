import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@apdet/rng';
import {
  DEFAULT_WH_CLAMP,
  boxArea,
  boxAreaTensor,
  boxIouTyped,
  clipBoxes,
  clipBoxesTensor,
  convertBoxes,
  convertBoxesTensor,
  decodeDeltas,
  decodeDeltasTensor,
  decodeUnitAnchor,
  decodeUnitAnchorTyped,
  encodeDeltas,
  encodeDeltasTensor,
  type BoxFormat,
} from '../../src/index.js';
import { BACKENDS, maxRelError, randomBoxes, toF32Values, useBackend } from './helpers.js';

const PAP_STDS = [0.1, 0.1, 0.2, 0.2] as const;

/**
 * Largest |float32 tensor − float64 typed| encoded delta, in units of its float32 rounding scale
 * 2⁻²⁴·M/(min(w, h)·std), M the largest |coordinate| of the pair: the centre offset
 * (g1 + g2) − (p1 + p2) carries a few ulp(M) of rounding that the division by the anchor size and
 * by std magnifies, so the error is absolute and does not shrink with the delta (a relative
 * tolerance held only for lucky random boxes). Rounding analysis bounds it by ≈ 10 units.
 */
function encodeErrorUnits(d: ArrayLike<number>, ref: ArrayLike<number>, p: Float64Array, g: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < ref.length / 4; i++) {
    const box = (a: Float64Array) => Array.from(a.subarray(4 * i, 4 * i + 4), Math.abs);
    const size = Math.min(p[4 * i + 2] - p[4 * i], p[4 * i + 3] - p[4 * i + 1]);
    const unit = (2 ** -24 * Math.max(...box(p), ...box(g))) / size;
    for (let k = 0; k < 4; k++) worst = Math.max(worst, Math.abs(d[4 * i + k] - ref[4 * i + k]) / (unit / PAP_STDS[k]));
  }
  return worst;
}

describe('DeltaXYWH coder (typed arrays)', () => {
  it('encodes a hand-computed example (mmdet v2, no +1)', () => {
    // anchor 10×10 centred (5,5); gt 10×20 centred (10,15): d = (0.5, 1, 0, ln 2)
    expect(Array.from(encodeDeltas([0, 0, 10, 10], [5, 5, 15, 25]))).toEqual([0.5, 1, 0, Math.LN2]);
    const scaled = encodeDeltas([0, 0, 10, 10], [5, 5, 15, 25], { stds: PAP_STDS, means: [0, 0, 0, 0.1] });
    expect(maxRelError(scaled, [5, 10, 0, (Math.LN2 - 0.1) / 0.2], 1e-12)).toBeLessThan(1e-14);
  });

  it('decode(encode(g)) = g for random boxes, with and without means/stds', () => {
    const rng = Rng.from(1);
    const anchors = randomBoxes(200, rng);
    const gts = randomBoxes(200, rng);
    for (const opts of [
      undefined,
      { stds: PAP_STDS },
      { means: [0.1, -0.2, 0.05, 0] as const, stds: [0.5, 2, 1, 0.3] as const },
    ]) {
      const back = decodeDeltas(anchors, encodeDeltas(anchors, gts, opts), opts);
      expect(maxRelError(back, gts, 1)).toBeLessThan(1e-12);
    }
  });

  it('clamps dw, dh at ±ln(1000/16) and clips to maxShape', () => {
    expect(DEFAULT_WH_CLAMP).toBeCloseTo(4.135166556742356, 15);
    const out = decodeDeltas([0, 0, 2, 2], [0, 0, 10, -10]);
    expect(out[2] - out[0]).toBeCloseTo(2 * Math.exp(DEFAULT_WH_CLAMP), 9);
    expect(out[3] - out[1]).toBeCloseTo(2 * Math.exp(-DEFAULT_WH_CLAMP), 12);
    const clipped = decodeDeltas([0, 0, 2, 2], [0, 0, 10, 0], { maxShape: [30, 40] });
    expect(Array.from(clipped)).toEqual([0, 0, 40, 2]);
  });

  it('rejects count mismatches', () => {
    expect(() => encodeDeltas([0, 0, 1, 1], [0, 0, 1, 1, 0, 0, 1, 1])).toThrow(/same number of boxes/);
  });
});

describe('box formats, area, clipping (typed)', () => {
  const formats: BoxFormat[] = ['xyxy', 'xywh', 'cxcywh'];
  it('every conversion round-trips and agrees with hand values', () => {
    const b = randomBoxes(20, Rng.from(3));
    for (const f of formats)
      for (const t of formats) {
        expect(maxRelError(convertBoxes(convertBoxes(b, 'xyxy', f), f, t), convertBoxes(b, 'xyxy', t), 1)).toBeLessThan(
          1e-12,
        );
      }
    expect(Array.from(convertBoxes([1, 2, 5, 10], 'xyxy', 'xywh'))).toEqual([1, 2, 4, 8]);
    expect(Array.from(convertBoxes([1, 2, 5, 10], 'xyxy', 'cxcywh'))).toEqual([3, 6, 4, 8]);
  });
  it('area and clip', () => {
    expect(Array.from(boxArea([0, 0, 2, 3, 1, 1, 1, 5]))).toEqual([6, 0]);
    expect(Array.from(clipBoxes([-5, -1, 50, 20], 10, 30))).toEqual([0, 0, 30, 10]);
  });
});

describe.each(BACKENDS)('tensor box utilities on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  const f32 = (a: ArrayLike<number>, n: number) => tf.tensor2d(Float32Array.from(a), [n, 4]);

  it('tensor encode/decode/convert/area/clip agree with the typed versions (1e-5)', () => {
    const rng = Rng.from(5);
    const anchors = toF32Values(randomBoxes(30, rng));
    const gts = toF32Values(randomBoxes(30, rng));
    const opts = { stds: PAP_STDS };
    tf.tidy(() => {
      const d = encodeDeltasTensor(f32(anchors, 30), f32(gts, 30), opts).dataSync();
      const dRef = encodeDeltas(anchors, gts, opts);
      expect(encodeErrorUnits(d, dRef, anchors, gts)).toBeLessThan(16);
      const big = dRef.map((v, k) => (k % 4 >= 2 ? v * 40 : v)); // some beyond the clamp
      expect(
        maxRelError(
          decodeDeltasTensor(f32(anchors, 30), f32(big, 30), opts).dataSync(),
          decodeDeltas(anchors, big, opts),
          1,
        ),
      ).toBeLessThan(1e-5);
      expect(
        maxRelError(
          convertBoxesTensor(f32(gts, 30), 'xyxy', 'cxcywh').dataSync(),
          convertBoxes(gts, 'xyxy', 'cxcywh'),
          1,
        ),
      ).toBeLessThan(1e-6);
      expect(
        maxRelError(convertBoxesTensor(f32(gts, 30), 'xywh', 'xyxy').dataSync(), convertBoxes(gts, 'xywh', 'xyxy'), 1),
      ).toBeLessThan(1e-6);
      expect(maxRelError(boxAreaTensor(f32(gts, 30)).dataSync(), boxArea(gts), 1)).toBeLessThan(1e-6);
      expect(maxRelError(clipBoxesTensor(f32(gts, 30), 50, 70).dataSync(), clipBoxes(gts, 50, 70), 1)).toBeLessThan(
        1e-6,
      );
    });
  });

  it('decodeDeltasTensor gradient w.r.t. deltas matches central differences', () => {
    const rng = Rng.from(6);
    const anchors = toF32Values(randomBoxes(4, rng, 10));
    const deltas = Float64Array.from({ length: 16 }, () => Math.fround(rng.uniform(-0.5, 0.5)));
    const w = Float64Array.from({ length: 16 }, () => rng.uniform(-0.5, 0.5));
    const g = tf.tidy(() =>
      tf
        .grad((d: tf.Tensor) =>
          decodeDeltasTensor(f32(anchors, 4), d as tf.Tensor2D, { stds: PAP_STDS })
            .mul(f32(w, 4))
            .sum(),
        )(f32(deltas, 4))
        .dataSync(),
    );
    const obj = (d: Float64Array) => decodeDeltas(anchors, d, { stds: PAP_STDS }).reduce((s, v, k) => s + v * w[k], 0);
    const fd = Float64Array.from(deltas, (_v, k) => {
      const p = deltas.slice();
      p[k] += 1e-6;
      const m = deltas.slice();
      m[k] -= 1e-6;
      return (obj(p) - obj(m)) / 2e-6;
    });
    expect(maxRelError(g, fd, 1)).toBeLessThan(1e-4);
  });

  it('clipBoxesTensor passes gradient inside the image and blocks it outside', () => {
    const g = tf.tidy(() =>
      tf
        .grad((b: tf.Tensor) => clipBoxesTensor(b as tf.Tensor2D, 10, 20).sum())(f32([-1, 2, 25, 5], 1))
        .dataSync(),
    );
    expect(Array.from(g)).toEqual([0, 1, 0, 1]);
  });

  it('unit-anchor decoding (§9.1): hand values, clamp, tensor = typed', () => {
    const d = [10, -20, 5, 100]; // cx = 1, cy = −2, w = e^1, h = e^clamp(20) = e^4.135…
    const typed = decodeUnitAnchorTyped(d);
    const w = Math.E;
    const h = Math.exp(4.135166556742356);
    expect(maxRelError(typed, [1 - w / 2, -2 - h / 2, 1 + w / 2, -2 + h / 2], 1e-12)).toBeLessThan(1e-14);
    const t = tf.tidy(() => decodeUnitAnchor(f32(d, 1)).dataSync());
    expect(maxRelError(t, typed, 1)).toBeLessThan(1e-6);
  });
});

describe('unit-anchor IoU equals the IoU of deltas decoded on the real anchor (§9.1 claim)', () => {
  it('holds for random anchors and deltas (no clipping)', () => {
    const rng = Rng.from(9);
    for (let k = 0; k < 50; k++) {
      const anchor = randomBoxes(1, rng, 50);
      const p = Float64Array.from({ length: 4 }, () => rng.uniform(-2, 2));
      const t = Float64Array.from({ length: 4 }, () => rng.uniform(-2, 2));
      const unit = boxIouTyped(decodeUnitAnchorTyped(p), decodeUnitAnchorTyped(t))[0];
      const real = boxIouTyped(
        decodeDeltas(anchor, p, { stds: PAP_STDS }),
        decodeDeltas(anchor, t, { stds: PAP_STDS }),
      )[0];
      expect(Math.abs(unit - real)).toBeLessThan(1e-12);
    }
  });
});
