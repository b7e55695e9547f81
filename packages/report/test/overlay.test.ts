import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { boxesForImage, classColor, drawImage, writePredictionGrid, type PredictionInput } from '../src/index.js';
import { hexRgb, pixel, tinyCoco, withTmpDir, writeGreyImage } from './helpers.js';

const near = (a: readonly number[], b: readonly number[], tol = 3) => a.every((v, i) => Math.abs(v - b[i]) <= tol);

describe('drawImage', () => {
  it('draws a prediction box edge on the scaled pixel columns/rows, in its class colour, and leaves the inside alone', () =>
    withTmpDir(async (dir) => {
      const file = path.join(dir, 'grey.png');
      await writeGreyImage(file, 64, 48);
      // size 128 → scale 2: box [10, 8, 20, 16] spans output x 20..60, y 16..48.
      const { png, width, height } = await drawImage({
        file,
        groundTruth: [],
        predictions: [{ box: [10, 8, 20, 16], classIndex: 2, label: 'x 0.90' }],
        size: 128,
      });
      expect([width, height]).toEqual([128, 96]);
      const red = hexRgb(classColor(2));
      expect(await pixel(png, 20, 40)).toEqual(red); // left edge, below the label
      expect(await pixel(png, 60, 40)).toEqual(red); // right edge
      expect(await pixel(png, 40, 48)).toEqual(red); // bottom edge
      expect(await pixel(png, 40, 40)).toEqual([128, 128, 128]); // inside
      expect(await pixel(png, 100, 80)).toEqual([128, 128, 128]); // outside
    }));

  it('draws ground truth dashed in black and white, distinct from any class colour', () =>
    withTmpDir(async (dir) => {
      const file = path.join(dir, 'grey.png');
      await writeGreyImage(file, 64, 48);
      const { png } = await drawImage({ file, groundTruth: [[10, 8, 20, 16]], predictions: [], size: 128 });
      const edge = await Promise.all([22, 24, 26, 28, 30, 32, 34, 36, 38, 40].map((x) => pixel(png, x, 48)));
      expect(edge.some((p) => near(p, [255, 255, 255]))).toBe(true);
      expect(edge.some((p) => near(p, [0, 0, 0]))).toBe(true);
      expect(edge.every((p) => near(p, [255, 255, 255]) || near(p, [0, 0, 0]))).toBe(true);
    }));
});

function predictionInput(dir: string): PredictionInput {
  const { gt, detections } = tinyCoco();
  return { imageDir: dir, images: gt.images, annotations: gt.annotations, detections, categories: gt.categories };
}

describe('boxesForImage', () => {
  it('keeps detections at or above the threshold (fixed or per class), lowest score first so the best is drawn on top', () => {
    const input = predictionInput('/nowhere');
    expect(boxesForImage(input, 2, 0.6).predictions.map((p) => p.label)).toEqual(['a 0.60', 'a 0.70']);
    const perClass = boxesForImage(
      input,
      2,
      new Map([
        [1, 0.65],
        [2, 0.1],
      ]),
    );
    expect(perClass.predictions.map((p) => p.label)).toEqual(['b 0.20', 'a 0.70']);
    expect(perClass.predictions.map((p) => p.classIndex)).toEqual([1, 0]);
    expect(perClass.groundTruth).toHaveLength(2);
  });
});

describe('writePredictionGrid', () => {
  it('writes one PNG with the images in a grid of the documented size', () =>
    withTmpDir(async (dir) => {
      for (const id of [1, 2, 3]) await writeGreyImage(path.join(dir, `${id}.png`), 64, 48, 60 * id);
      const out = path.join(dir, 'report', 'predictions.png');
      const result = await writePredictionGrid(predictionInput(dir), out, { scoreThreshold: 0.5, tileSize: 96 });
      // 3 columns × (96 + 8) + 8 wide; header 28 + 1 row × (96 + 22 + 8) + 8 high.
      expect(result).toEqual({ width: 320, height: 162, images: 3 });
      const meta = await sharp(out).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 320, 162]);
      // Tile 2 (image 2, grey 120) starts at x = 8 + 104; its top-left pixel is the image's.
      expect(await pixel(out, 8 + 104 + 90, 28 + 70)).toEqual([120, 120, 120]);
    }));
});
