import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CocoIndex } from '../src/coco/coco-index.js';
import { Rng } from '../src/rng.js';
import { placeShape, SHAPE_CLASSES } from '../src/shapes/geometry.js';
import { ensureShapesDataset, makeShapesDataset } from '../src/shapes/make-shapes.js';
import { rasterizePolygon } from '../src/shapes/raster.js';
import { renderShapesImage } from '../src/shapes/render.js';
import { isBuiltInShapesMarker } from '../src/shapes/shapes-options.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'apdet-data-shapes-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function treeDigest(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(root, file)] = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  }
  return out;
}

describe('shapes dataset', () => {
  it('is byte-identical for the same seed and differs for another', async () => {
    await makeShapesDataset(path.join(dir, 'a'), { train: 6, val: 2, seed: 3 });
    await makeShapesDataset(path.join(dir, 'b'), { train: 6, val: 2, seed: 3 });
    await makeShapesDataset(path.join(dir, 'c'), { train: 6, val: 2, seed: 4 });
    const a = await treeDigest(path.join(dir, 'a'));
    expect(Object.keys(a).sort()).toEqual(
      [
        'instances_train.json',
        'instances_val.json',
        'shapes-dataset.json',
        ...[1, 2, 3, 4, 5, 6].map((i) => `train/00000${i}.png`),
        'val/000001.png',
        'val/000002.png',
      ].sort(),
    );
    expect(await treeDigest(path.join(dir, 'b'))).toEqual(a);
    const c = await treeDigest(path.join(dir, 'c'));
    expect(c['train/000001.png']).not.toBe(a['train/000001.png']);
  });

  it('writes valid COCO with 2–8 objects per image, tight boxes inside the image and visible areas', async () => {
    const paths = await makeShapesDataset(path.join(dir, 'd'), { train: 40, val: 1, seed: 0 });
    const json = JSON.parse(await readFile(paths.trainAnnotations, 'utf8'));
    const index = CocoIndex.fromJson(json);
    expect(index.categories.map((c) => c.name)).toEqual([...SHAPE_CLASSES]);
    const perImage = new Map<number, number>();
    for (const a of json.annotations) {
      perImage.set(a.image_id, (perImage.get(a.image_id) ?? 0) + 1);
      const [x, y, w, h] = a.bbox;
      expect(x).toBeGreaterThanOrEqual(0);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(x + w).toBeLessThanOrEqual(128.01);
      expect(y + h).toBeLessThanOrEqual(128.01);
      expect(Math.max(w, h)).toBeGreaterThanOrEqual(9.99);
      expect(Math.max(w, h)).toBeLessThanOrEqual(56.01);
      expect(Number.isInteger(a.area)).toBe(true);
      expect(a.area).toBeGreaterThan(0);
      expect(a.area).toBeLessThanOrEqual(w * h + 2 * (w + h));
    }
    for (const n of perImage.values()) {
      expect(n).toBeGreaterThanOrEqual(2);
      expect(n).toBeLessThanOrEqual(8);
    }
    expect(perImage.size).toBe(40);
    const meta = await sharp(path.join(paths.trainImages, '000001.png')).metadata();
    expect([meta.width, meta.height, meta.channels, meta.format]).toEqual([128, 128, 3, 'png']);
  });

  it('visible area is the pixel count of each object after occlusion by later ones; overlaps are bounded', () => {
    for (let i = 0; i < 40; i++) {
      const { objects } = renderShapesImage(Rng.from(8, i));
      // Independent recomputation: paint full binary masks in drawing order, count the winners.
      const owner = new Int16Array(128 * 128).fill(-1);
      const masks = objects.map((o) => {
        const c = rasterizePolygon(o.polygon.xs, o.polygon.ys, 128, 128);
        const pixels: number[] = [];
        for (let y = 0; y < c.height; y++)
          for (let x = 0; x < c.width; x++)
            if (c.data[y * c.width + x] >= 0.5) pixels.push((c.y0 + y) * 128 + c.x0 + x);
        return pixels;
      });
      masks.forEach((pixels, k) => pixels.forEach((p) => (owner[p] = k)));
      objects.forEach((o, k) => {
        expect(o.visibleArea).toBe(owner.reduce((n, v) => n + (v === k ? 1 : 0), 0));
        expect(o.visibleArea).toBeGreaterThanOrEqual(0.5 * masks[k].length);
      });
      for (let a = 0; a < masks.length; a++) {
        const set = new Set(masks[a]);
        for (let b = a + 1; b < masks.length; b++) {
          const overlap = masks[b].filter((p) => set.has(p)).length;
          expect(overlap).toBeLessThanOrEqual(0.4 * Math.min(masks[a].length, masks[b].length));
        }
      }
    }
    const square = placeShape('square', 20, 0, 10, 10);
    const coverage = rasterizePolygon(square.xs, square.ys, 128, 128);
    expect(coverage.data.reduce((s, v) => s + (v >= 0.5 ? 1 : 0), 0)).toBe(400);
    expect(square.box).toEqual([10, 10, 30, 30]);
  });

  it('rasterises with exact area (anti-aliased coverage sums to the polygon area)', () => {
    for (const shape of SHAPE_CLASSES) {
      const placed = placeShape(shape, 40, 0.3, 20.25, 30.5);
      const coverage = rasterizePolygon(placed.xs, placed.ys, 128, 128);
      const covered = coverage.data.reduce((s, v) => s + v, 0);
      let area = 0;
      for (let i = 0, j = placed.xs.length - 1; i < placed.xs.length; j = i++)
        area += (placed.xs[j] + placed.xs[i]) * (placed.ys[j] - placed.ys[i]);
      // Vertical sampling (4 sub-rows) makes the estimate approximate; within 2 % of the area.
      expect(Math.abs(covered - Math.abs(area) / 2) / (Math.abs(area) / 2), shape).toBeLessThan(0.02);
    }
  });

  it('ensureShapesDataset generates once, reuses it, and refuses a directory made with other options', async () => {
    const target = path.join(dir, 'auto', 'shapes');
    const first = await ensureShapesDataset(target, { train: 3, val: 1, seed: 2 });
    const before = (await stat(first.trainAnnotations)).mtimeMs;
    const again = await ensureShapesDataset(target, { train: 3, val: 1, seed: 2 });
    expect(again).toEqual(first);
    expect((await stat(first.trainAnnotations)).mtimeMs).toBe(before);
    await expect(ensureShapesDataset(target, { train: 4, val: 1, seed: 2 })).rejects.toThrow(/made with other options/);
    const stray = path.join(dir, 'stray');
    await makeShapesDataset(stray, { train: 1, val: 1 });
    await writeFile(path.join(stray, 'shapes-dataset.json'), 'garbage');
    await expect(ensureShapesDataset(stray)).rejects.toThrow(/not a complete shapes dataset/);
    expect((await readdir(path.join(dir, 'auto'))).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it("ensureShapesDataset with onOutdated 'regenerate' replaces an older apdet's default dataset, only that", async () => {
    const target = path.join(dir, 'outdated', 'shapes');
    await ensureShapesDataset(target, { train: 3, val: 1, seed: 2 });
    // A dataset made with options of its own is the user's: refused and kept, even here.
    await expect(
      ensureShapesDataset(target, { train: 4, val: 1, seed: 2 }, undefined, { onOutdated: 'regenerate' }),
    ).rejects.toThrow(/made with other options .*"train":3.*not apdet's default dataset; it is kept/);
    expect(JSON.parse(await readFile(path.join(target, 'instances_train.json'), 'utf8')).images).toHaveLength(3);
    await markAsPastDefault(target);
    const lines: string[] = [];
    const paths = await ensureShapesDataset(target, { train: 4, val: 1, seed: 2 }, undefined, {
      onOutdated: 'regenerate',
      log: (l) => lines.push(l),
    });
    expect(JSON.parse(await readFile(paths.trainAnnotations, 'utf8')).images).toHaveLength(4);
    expect(lines).toEqual([
      expect.stringMatching(
        /holds a shapes dataset made with other options .*"train":2000.*regenerating it as .*"train":4/,
      ),
    ]);
    expect(await readdir(path.join(dir, 'outdated'))).toEqual(['shapes']);
    // A directory that is not a complete shapes dataset is never replaced.
    const stray = path.join(dir, 'stray-2');
    await makeShapesDataset(stray, { train: 1, val: 1 });
    await writeFile(path.join(stray, 'shapes-dataset.json'), 'garbage');
    await expect(ensureShapesDataset(stray, {}, undefined, { onOutdated: 'regenerate' })).rejects.toThrow(
      /not a complete shapes dataset/,
    );
  });

  it('two processes regenerating the same outdated dataset at once both get the new one', async () => {
    // What `pnpm loss-table` does on a checkout with an older built-in dataset: two trainings start together.
    const target = path.join(dir, 'race', 'shapes');
    await ensureShapesDataset(target, { train: 3, val: 1, seed: 2 });
    await markAsPastDefault(target);
    const wanted = { train: 5, val: 2, seed: 2 };
    const both = await Promise.all(
      [0, 1].map(() => ensureShapesDataset(target, wanted, undefined, { onOutdated: 'regenerate' })),
    );
    expect(both[1]).toEqual(both[0]);
    expect(JSON.parse(await readFile(both[0].trainAnnotations, 'utf8')).images).toHaveLength(5);
    expect(await readdir(path.join(dir, 'race'))).toEqual(['shapes']);
  });
});

/**
 * Gives a small dataset the marker of the built-in dataset of an older apdet (2,000 training
 * images until commit b8f4d30): what 'regenerate' may replace, without generating 2,500 images.
 */
async function markAsPastDefault(target: string): Promise<void> {
  const marker = { generatorVersion: 1, train: 2000, val: 500, size: 128, seed: 0 };
  await writeFile(path.join(target, 'shapes-dataset.json'), JSON.stringify(marker));
}

describe('isBuiltInShapesMarker', () => {
  it("recognises apdet's own default datasets (this version's and older ones), nothing else", () => {
    const defaults = { generatorVersion: 1, train: 4000, val: 500, size: 128, seed: 0 };
    expect(isBuiltInShapesMarker(defaults)).toBe(true);
    expect(isBuiltInShapesMarker({ ...defaults, train: 2000 })).toBe(true);
    expect(isBuiltInShapesMarker({ ...defaults, train: 32 })).toBe(false);
    expect(isBuiltInShapesMarker({ ...defaults, seed: 3 })).toBe(false);
    expect(isBuiltInShapesMarker({ ...defaults, classes: ['circle'] })).toBe(false);
    expect(isBuiltInShapesMarker({ ...defaults, generatorVersion: 99 })).toBe(false);
    expect(isBuiltInShapesMarker(null)).toBe(false);
  });
});
