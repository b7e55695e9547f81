import { describe, expect, it } from 'vitest';
import { AnchorGenerator, fasterRcnnAnchorConfig, retinaNetAnchorConfig } from '../../src/index.js';
import { maxRelError } from '../boxes/helpers.js';

describe('RetinaNet anchors (PAP config: 2 scales/octave × 3 ratios, P3–P7)', () => {
  const gen = new AnchorGenerator(retinaNetAnchorConfig(2));

  it('has A = 6 and 32,736 anchors at 512×512 (§9.1)', () => {
    expect(gen.numBaseAnchors).toBe(6);
    const sizes = gen.featureSizes(512, 512);
    expect(sizes).toEqual([
      [64, 64],
      [32, 32],
      [16, 16],
      [8, 8],
      [4, 4],
    ]);
    const { anchors, levelStart } = gen.gridAnchors(sizes);
    expect(levelStart).toEqual([0, 24576, 30720, 32256, 32640, 32736]);
    expect(anchors.length).toBe(32736 * 4);
  });

  it('base anchors: sqrt(area) = stride·scale, h/w = ratio, centred at 0; mmdet v2 values', () => {
    const scales = [4, 4 * Math.SQRT2];
    const ratios = [0.5, 1, 2];
    gen.config.strides.forEach((stride, l) => {
      const base = gen.baseAnchors[l];
      for (let r = 0; r < 3; r++)
        for (let s = 0; s < 2; s++) {
          const o = 4 * (r * 2 + s);
          const w = base[o + 2] - base[o];
          const h = base[o + 3] - base[o + 1];
          expect(Math.sqrt(w * h)).toBeCloseTo(stride * scales[s], 9);
          expect(h / w).toBeCloseTo(ratios[r], 12);
          expect(base[o] + base[o + 2]).toBeCloseTo(0, 12);
          expect(base[o + 1] + base[o + 3]).toBeCloseTo(0, 12);
        }
    });
    // mmdet v2 (3 scales/octave) first base anchors of stride 8, as listed in mmdet's own anchor tests.
    const mm = new AnchorGenerator(retinaNetAnchorConfig(3)).baseAnchors[0];
    expect(
      maxRelError(
        mm.subarray(0, 16),
        [
          -22.6274, -11.3137, 22.6274, 11.3137, -28.5088, -14.2544, 28.5088, 14.2544, -35.9188, -17.9594, 35.9188,
          17.9594, -16.0, -16.0, 16.0, 16.0,
        ],
        1,
      ),
    ).toBeLessThan(1e-4);
  });

  it('orders anchors per level, row-major over (y, x), then the A anchors of the location', () => {
    const sizes = gen.featureSizes(100, 60); // P3: 13 × 8
    const lv = gen.levelAnchors(0, sizes[0]);
    const [, fw] = sizes[0];
    for (const [y, x, a] of [
      [0, 0, 0],
      [0, 1, 3],
      [2, 5, 5],
      [12, 7, 2],
    ]) {
      const o = 4 * ((y * fw + x) * 6 + a);
      expect((lv[o] + lv[o + 2]) / 2).toBeCloseTo(x * 8, 4);
      expect((lv[o + 1] + lv[o + 3]) / 2).toBeCloseTo(y * 8, 4);
      expect(lv[o + 2] - lv[o]).toBeCloseTo(gen.baseAnchors[0][4 * a + 2] - gen.baseAnchors[0][4 * a], 4);
    }
  });

  it('centerOffset 0.5 moves centres to the middle of the stride cell', () => {
    const g = new AnchorGenerator({ ...retinaNetAnchorConfig(2), centerOffset: 0.5 });
    const lv = g.levelAnchors(1, [2, 3]);
    const o = 4 * ((1 * 3 + 2) * 6);
    expect((lv[o] + lv[o + 2]) / 2).toBeCloseTo(2 * 16 + 8, 4);
    expect((lv[o + 1] + lv[o + 3]) / 2).toBeCloseTo(16 + 8, 4);
  });

  it('valid flags mark locations inside ceil(valid/stride) of a padded image', () => {
    const sizes = gen.featureSizes(512, 512);
    const flags = gen.levelValidFlags(0, sizes[0], [500, 380]); // 63 rows × 48 cols valid
    expect(flags.reduce((s, v) => s + v, 0)).toBe(63 * 48 * 6);
    const at = (y: number, x: number, a: number) => flags[(y * 64 + x) * 6 + a];
    expect(at(62, 47, 5)).toBe(1);
    expect(at(62, 48, 0)).toBe(0);
    expect(at(63, 0, 0)).toBe(0);
    const all = gen.validFlags(sizes, [512, 512]);
    expect(all.length).toBe(32736);
    expect(all.every((v) => v === 1)).toBe(true);
  });
});

describe('Faster R-CNN RPN anchors (1 scale × 3 ratios, P2–P6)', () => {
  it('has A = 3, sqrt(area) = 8·stride and the expected count at 512×512', () => {
    const gen = new AnchorGenerator(fasterRcnnAnchorConfig());
    expect(gen.numBaseAnchors).toBe(3);
    const { levelStart } = gen.gridAnchors(gen.featureSizes(512, 512));
    expect(levelStart[5]).toBe((128 ** 2 + 64 ** 2 + 32 ** 2 + 16 ** 2 + 8 ** 2) * 3);
    const b = gen.baseAnchors[0];
    expect(Math.sqrt((b[6] - b[4]) * (b[7] - b[5]))).toBeCloseTo(32, 12);
  });
});

describe('configuration errors', () => {
  it('rejects inconsistent configurations with clear messages', () => {
    expect(() => new AnchorGenerator({ strides: [8], ratios: [1] })).toThrow(/either scales or octaveBaseScale/);
    expect(
      () => new AnchorGenerator({ strides: [8], ratios: [1], scales: [1], octaveBaseScale: 4, scalesPerOctave: 2 }),
    ).toThrow(/either/);
    expect(() => new AnchorGenerator({ strides: [8, 16], ratios: [1], scales: [1], baseSizes: [8] })).toThrow(
      /baseSizes/,
    );
    expect(() => new AnchorGenerator({ strides: [0], ratios: [1], scales: [1] })).toThrow(/positive/);
    const gen = new AnchorGenerator(fasterRcnnAnchorConfig());
    expect(() => gen.levelAnchors(7, [2, 2])).toThrow(/level 7/);
    expect(() => gen.levelAnchors(0, [2.5, 2])).toThrow(/non-negative integers/);
  });
});
