import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { canRenderText, renderVegaLiteToPng, renderVegaLiteToSvg } from '../src/index.js';
import { withTmpDir } from './helpers.js';

const spec = {
  title: 'Title',
  width: 200,
  height: 100,
  config: { background: 'white' },
  data: {
    values: [
      { x: 0, y: 0 },
      { x: 1, y: 1 },
    ],
  },
  mark: 'line' as const,
  encoding: { x: { field: 'x', type: 'quantitative' as const }, y: { field: 'y', type: 'quantitative' as const } },
};

/** Dark pixels in a region of a PNG (text is black-ish on white). */
async function darkPixels(
  file: string,
  region: { left: number; top: number; width: number; height: number },
): Promise<number> {
  const { data } = await sharp(file).extract(region).greyscale().raw().toBuffer({ resolveWithObject: true });
  return data.filter((v) => v < 100).length;
}

describe('renderVegaLiteToPng', () => {
  it('writes a PNG of scale × the chart size, without a canvas package', () =>
    withTmpDir(async (dir) => {
      const svg = await renderVegaLiteToSvg(spec);
      const [, w, h] = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)!.map(Number);
      const out = path.join(dir, 'sub', 'chart.png');
      const result = await renderVegaLiteToPng(spec, out, { scale: 3 });
      const meta = await sharp(out).metadata();
      expect(meta.format).toBe('png');
      expect([meta.width, meta.height]).toEqual([3 * w, 3 * h]);
      expect([result.width, result.height]).toEqual([3 * w, 3 * h]);
      expect(w).toBeGreaterThan(200); // plot area plus axes
    }));

  it('renders text (needs a font that fontconfig finds; see README "Fonts")', () =>
    withTmpDir(async (dir) => {
      expect(await canRenderText()).toBe(true);
      const out = path.join(dir, 'chart.png');
      const { width } = await renderVegaLiteToPng(spec, out, { scale: 2 });
      // The title sits in the top 40 px; nothing else is drawn there.
      expect(await darkPixels(out, { left: 0, top: 0, width, height: 40 })).toBeGreaterThan(30);
      const noTitle = path.join(dir, 'untitled.png');
      await renderVegaLiteToPng({ ...spec, title: '' }, noTitle, { scale: 2 });
      const meta = await sharp(noTitle).metadata();
      expect(await darkPixels(noTitle, { left: 0, top: 0, width: meta.width, height: 10 })).toBe(0);
    }));

  it('rejects a non-positive scale', async () => {
    await expect(renderVegaLiteToPng(spec, '/tmp/never.png', { scale: 0 })).rejects.toThrow(
      /scale must be a positive number/,
    );
  });
});
