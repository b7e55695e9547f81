import { describe, expect, it } from 'vitest';
import { Rng } from '../src/rng.js';
import { expand } from '../src/transforms/expand.js';
import { minIouRandomCrop } from '../src/transforms/min-iou-crop.js';
import { normalize } from '../src/transforms/normalize.js';
import { padToMultiple } from '../src/transforms/pad.js';
import { photometricDistortion } from '../src/transforms/photometric.js';
import { paperTrainPipeline } from '../src/transforms/presets.js';
import { resampleBilinear, resize, resizedSize } from '../src/transforms/resize.js';
import { canvasFromPixels, densify, type ImageCanvas, type Sample } from '../src/transforms/sample.js';
import { cloneSample, randomSample } from './helpers.js';

function sampleOf(image: ImageCanvas): Sample {
  return {
    image,
    boxes: new Float32Array(0),
    labels: new Int32Array(0),
    ignoreBoxes: new Float32Array(0),
    meta: {
      index: 0,
      imageId: 1,
      file: 'x',
      originalWidth: image.width,
      originalHeight: image.height,
      affine: { sx: 1, tx: 0, sy: 1, ty: 0 },
      validWidth: image.width,
      validHeight: image.height,
    },
  };
}

/** A stand-in generator: every coin comes up heads, every uniform draw returns its upper bound. */
const heads = {
  next: () => 0,
  chance: () => true,
  uniform: (_lo: number, hi: number) => hi,
  shuffle: <T>(a: T[]) => a,
} as unknown as Rng;

describe('resize', () => {
  it('matches OpenCV INTER_LINEAR on known values (half-pixel centres, clamped edges)', () => {
    // cv2.resize(np.array([[0, 100]], np.float32), (4, 1)) == [[0, 25, 75, 100]]
    const grey = (values: number[]) =>
      canvasFromPixels(
        values.flatMap((v) => [v, v, v]),
        values.length,
        1,
      );
    expect([...resampleBilinear(grey([0, 100]), 4, 1).data].filter((_, i) => i % 3 === 0)).toEqual([0, 25, 75, 100]);
    // Downscale 4 → 2: centres at 0.5 and 2.5 → (0+10)/2, (20+30)/2
    expect([...resampleBilinear(grey([0, 10, 20, 30]), 2, 1).data].filter((_, i) => i % 3 === 0)).toEqual([5, 25]);
  });

  it('agrees with a direct per-pixel bilinear formula on random images', () => {
    const rng = Rng.from(5);
    for (let trial = 0; trial < 10; trial++) {
      const w = rng.int(3, 40);
      const h = rng.int(3, 40);
      const px = Array.from({ length: w * h * 3 }, () => rng.uniform(0, 255));
      const ow = rng.int(1, 60);
      const oh = rng.int(1, 60);
      const out = resampleBilinear(canvasFromPixels(px, w, h), ow, oh).data;
      const at = (x: number, y: number, c: number) =>
        px[(Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))) * 3 + c];
      for (let y = 0; y < oh; y++) {
        for (let x = 0; x < ow; x++) {
          const sx = Math.max(0, ((x + 0.5) * w) / ow - 0.5);
          const sy = Math.max(0, ((y + 0.5) * h) / oh - 0.5);
          const x0 = Math.floor(sx);
          const y0 = Math.floor(sy);
          const fx = sx - x0;
          const fy = sy - y0;
          for (let c = 0; c < 3; c++) {
            const v =
              (1 - fy) * ((1 - fx) * at(x0, y0, c) + fx * at(x0 + 1, y0, c)) +
              fy * ((1 - fx) * at(x0, y0 + 1, c) + fx * at(x0 + 1, y0 + 1, c));
            expect(Math.abs(out[(y * ow + x) * 3 + c] - v)).toBeLessThan(1e-3);
          }
        }
      }
    }
  });

  it('keep-ratio sizes follow mmdetection (long edge ≤ 833, short edge ≤ 500)', () => {
    expect(resizedSize(640, 480, { width: 833, height: 500, keepRatio: true })).toEqual([667, 500]);
    expect(resizedSize(480, 640, { width: 833, height: 500, keepRatio: true })).toEqual([500, 667]);
    expect(resizedSize(1000, 200, { width: 833, height: 500, keepRatio: true })).toEqual([833, 167]);
    // The COCO 1x scale (1333, 800): a 640×480 COCO image becomes 1067×800; a panorama is bound by 1333.
    expect(resizedSize(640, 480, { width: 1333, height: 800, keepRatio: true })).toEqual([1067, 800]);
    expect(resizedSize(2000, 500, { width: 1333, height: 800, keepRatio: true })).toEqual([1333, 333]);
    expect(resizedSize(640, 480, { width: 512, height: 512 })).toEqual([512, 512]);
    const out = resize({ width: 833, height: 500, keepRatio: true }).apply(
      sampleOf(canvasFromPixels(new Float32Array(640 * 480 * 3), 640, 480)),
      heads,
    );
    expect([out.image.width, out.image.height, out.meta.affine.sx, out.meta.affine.sy]).toEqual([
      667,
      500,
      667 / 640,
      500 / 480,
    ]);
  });
});

describe('lazy expand and crop', () => {
  it('equal materialising the expanded canvas and cutting it (bit for bit)', () => {
    for (let trial = 0; trial < 30; trial++) {
      const rng = Rng.from(11, trial);
      const input = randomSample(rng, { minSide: 8, maxSide: 40 });
      const mean: [number, number, number] = [rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)];
      const expanded = expand({ mean, prob: 1 }).apply(cloneSample(input), rng);
      const cropped = minIouRandomCrop({ minIous: [0.1] }).apply(expanded, rng);
      // Reference: build the expanded image explicitly, then slice the crop window out of it.
      const { tx: left, ty: top } = expanded.meta.affine;
      const W = expanded.image.width;
      const H = expanded.image.height;
      const big = new Float32Array(W * H * 3);
      for (let i = 0; i < W * H; i++) big.set(mean, i * 3);
      for (let y = 0; y < input.image.height; y++)
        big.set(
          input.image.data.subarray(y * input.image.width * 3, (y + 1) * input.image.width * 3),
          ((y + top) * W + left) * 3,
        );
      const cx = left - cropped.meta.affine.tx;
      const cy = top - cropped.meta.affine.ty;
      const dense = densify(cropped.image);
      for (let y = 0; y < dense.height; y++) {
        const want = big.subarray(((y + cy) * W + cx) * 3, ((y + cy) * W + cx + dense.width) * 3);
        expect(dense.data.subarray(y * dense.width * 3, (y + 1) * dense.width * 3)).toEqual(want);
      }
      // And a resize reading the lazy canvas equals a resize of the materialised one.
      expect(resampleBilinear(cropped.image, 17, 13).data).toEqual(resampleBilinear(dense, 17, 13).data);
    }
  });
});

describe('photometric distortion', () => {
  const only = (o: Parameters<typeof photometricDistortion>[0]) =>
    photometricDistortion({
      brightnessDelta: 0,
      contrastRange: [1, 1],
      saturationRange: [1, 1],
      hueDelta: 0,
      channelSwap: false,
      ...o,
    });
  const pixel = (rgb: number[]) => sampleOf(canvasFromPixels(rgb, 1, 1));

  it('rotates hue in OpenCV degrees: red + 120° = green', () => {
    const out = only({ hueDelta: 120 }).apply(pixel([255, 0, 0]), heads);
    expect([...out.image.data].map((v) => Math.round(v * 1000) / 1000)).toEqual([0, 255, 0]);
  });

  it('is the identity for in-range pixels when every step is neutral (HSV round trip)', () => {
    const rng = Rng.from(3);
    const px = Array.from({ length: 300 }, () => rng.uniform(0, 255));
    const out = only({}).apply(sampleOf(canvasFromPixels(px, 100, 1)), heads);
    for (let i = 0; i < px.length; i++) expect(Math.abs(out.image.data[i] - px[i])).toBeLessThan(1e-3);
  });

  it('brightness adds, contrast and saturation scale as mmdetection (no clipping)', () => {
    expect([...only({ brightnessDelta: 32 }).apply(pixel([10, 100, 250]), heads).image.data]).toEqual([42, 132, 282]);
    expect([...only({ contrastRange: [1.5, 1.5] }).apply(pixel([10, 100, 200]), heads).image.data]).toEqual([
      15, 150, 300,
    ]);
    // Saturation ×0.5 of (200, 100, 0): V = 200, S = 1 → 0.5, H = 30° → (200, 150, 100).
    const sat = only({ saturationRange: [0.5, 0.5] }).apply(pixel([200, 100, 0]), heads).image.data;
    expect([...sat].map((v) => Math.round(v * 1000) / 1000)).toEqual([200, 150, 100]);
    // The canvas fill (the expand border) is distorted the same way.
    const s = pixel([0, 0, 0]);
    s.image.fill = [10, 100, 250];
    expect(only({ brightnessDelta: 32 }).apply(s, heads).image.fill).toEqual([42, 132, 282]);
  });
});

describe('normalize and pad', () => {
  it('normalize subtracts the ImageNet mean and divides by the std per channel', () => {
    const out = normalize().apply(
      sampleOf(canvasFromPixels([123.675, 116.28 + 57.12, 103.53 - 2 * 57.375], 1, 1)),
      heads,
    );
    expect([...out.image.data].map((v) => Math.round(v * 1e5) / 1e5)).toEqual([0, 1, -2]);
  });

  it('pad grows the canvas to multiples of 32 with zeros and keeps the valid size', () => {
    const out = padToMultiple(32).apply(
      sampleOf(canvasFromPixels(new Float32Array(33 * 20 * 3).fill(7), 33, 20)),
      heads,
    );
    expect([out.image.width, out.image.height, out.meta.validWidth, out.meta.validHeight]).toEqual([64, 32, 33, 20]);
    const dense = densify(out.image);
    expect(dense.data[(19 * 64 + 32) * 3]).toBe(7);
    expect(dense.data[(19 * 64 + 33) * 3]).toBe(0);
    expect(dense.data[(20 * 64 + 0) * 3]).toBe(0);
  });
});

describe('reproducibility', () => {
  it('the same (seed, epoch, index) gives the same sample bit for bit; another gives another', () => {
    const base = randomSample(Rng.from(1), { minSide: 64, maxSide: 200 });
    const run = (keys: number[]) => paperTrainPipeline(96).apply(cloneSample(base), Rng.from(...keys));
    const a = run([0, 3, 17]);
    const b = run([0, 3, 17]);
    expect(Buffer.from(densify(a.image).data.buffer)).toEqual(Buffer.from(densify(b.image).data.buffer));
    expect(a.boxes).toEqual(b.boxes);
    expect(a.meta).toEqual(b.meta);
    const c = run([0, 4, 17]);
    expect(Buffer.from(densify(c.image).data.buffer).equals(Buffer.from(densify(a.image).data.buffer))).toBe(false);
  });
});
