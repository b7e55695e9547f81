import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isUserError } from '@apdet/io';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CocoIndex } from '../src/coco/coco-index.js';
import { validateCoco } from '../src/coco/validate.js';
import { collate, type Batch } from '../src/loader/collate.js';
import { DataLoader } from '../src/loader/data-loader.js';
import { CocoDetectionDataset } from '../src/loader/dataset.js';
import { ensureShapesDataset, makeShapesDataset, type ShapesDatasetPaths } from '../src/shapes/make-shapes.js';
import type { ShapesDatasetOptions } from '../src/shapes/shapes-options.js';
import { resizeTrainPipeline } from '../src/transforms/presets.js';
import { checkImageFiles } from '../src/tools/check-images.js';
import { Rng } from '../src/rng.js';

const MIXED: ShapesDatasetOptions = {
  train: 12,
  val: 6,
  seed: 1,
  classes: 3,
  format: 'jpeg',
  imageSizes: { width: [200, 900], height: [320, 600] },
};

let dir: string;
let mixed: ShapesDatasetPaths;
let mixedSeconds: number;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'apdet-data-shapes-custom-'));
  const start = performance.now();
  mixed = await makeShapesDataset(path.join(dir, 'mixed'), MIXED);
  mixedSeconds = (performance.now() - start) / 1000;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

async function readJson(file: string): Promise<{
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: { image_id: number; category_id: number; bbox: number[] }[];
  categories: { id: number; name: string }[];
  info: Record<string, unknown>;
}> {
  return JSON.parse(await readFile(file, 'utf8'));
}

describe('the built-in dataset is unchanged by the custom-dataset options', () => {
  it('default options give the same annotations and pixels as before they existed', async () => {
    // Digests recorded from the generator before `classes`, `imageSizes` and `format` were
    // added (the whole 4,500-image default dataset was also compared file by file then).
    // Pixels rather than PNG bytes: they do not depend on the platform's zlib.
    const paths = await makeShapesDataset(path.join(dir, 'default'), { train: 6, val: 2, seed: 3 });
    expect(sha256(await readFile(paths.trainAnnotations))).toBe(
      '8f05e9f95a2e730131245185dc72707538bcc0f9b566a48a711df33d6489909f',
    );
    expect(sha256(await readFile(paths.valAnnotations))).toBe(
      '386c6b095e67a17061b13c6ec470611f85d84bdab051e90a77bbaa07ae65df45',
    );
    expect(sha256(await readFile(path.join(paths.dir, 'shapes-dataset.json')))).toBe(
      'd07d42f703248de7613b4ae587076a04d1a434b553d7882f7ed6dac6250ea00e',
    );
    const pixels = createHash('sha256');
    for (const imageDir of [paths.trainImages, paths.valImages]) {
      for (const file of (await readdir(imageDir)).sort())
        pixels.update(await sharp(path.join(imageDir, file)).raw().toBuffer());
    }
    expect(pixels.digest('hex')).toBe('c0a073c28553cd801b36920277206f8b49c1a4b77c8e95463e84ba27df54e6ad');
  });
});

describe('mixed-size, 3-class JPEG shapes dataset', () => {
  it('is generated within a few seconds as valid COCO whose images match their records', async () => {
    expect(mixedSeconds).toBeLessThan(30); // about 2.5 s on the loaded 2-core machine
    expect((await readdir(mixed.trainImages)).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `${String(i + 1).padStart(6, '0')}.jpg`),
    );
    expect(await readdir(mixed.valImages)).toHaveLength(6);
    for (const [file, images] of [
      [mixed.trainAnnotations, mixed.trainImages],
      [mixed.valAnnotations, mixed.valImages],
    ] as const) {
      const json = await readJson(file);
      const report = validateCoco(json);
      expect(report.problems).toEqual([]);
      expect(await checkImageFiles(json.images, images)).toEqual([]);
      expect(json.categories.map((c) => [c.id, c.name])).toEqual([
        [1, 'circle'],
        [2, 'square'],
        [3, 'triangle'],
      ]);
      const meta = await sharp(path.join(images, json.images[0].file_name)).metadata();
      expect([meta.format, meta.channels]).toEqual(['jpeg', 3]);
    }
  });

  it('spreads sizes over the ranges (portrait, landscape), scales objects to each image, has every class', async () => {
    const json = await readJson(mixed.trainAnnotations);
    const sizes = json.images.map((im) => [im.width, im.height] as const);
    for (const [w, h] of sizes) {
      expect(w >= 200 && w <= 900 && h >= 320 && h <= 600, `${w}x${h}`).toBe(true);
    }
    expect(sizes.some(([w, h]) => w < h)).toBe(true);
    expect(sizes.some(([w, h]) => w > h)).toBe(true);
    expect(new Set(sizes.map(([w, h]) => `${w}x${h}`)).size).toBe(sizes.length);
    const byId = new Map(json.images.map((im) => [im.id, im]));
    for (const a of json.annotations) {
      const im = byId.get(a.image_id)!;
      const [x, y, w, h] = a.bbox as [number, number, number, number];
      expect(x >= 0 && y >= 0 && x + w <= im.width + 0.01 && y + h <= im.height + 0.01).toBe(true);
      const scale = Math.min(im.width, im.height) / 128;
      expect(Math.max(w, h)).toBeGreaterThanOrEqual(10 * scale - 0.01);
      expect(Math.max(w, h)).toBeLessThanOrEqual(56 * scale + 0.01);
    }
    expect(new Set(json.annotations.map((a) => a.category_id))).toEqual(new Set([1, 2, 3]));
    expect(json.info).toMatchObject({ classes: ['circle', 'square', 'triangle'], format: 'jpeg' });
  });

  it('is byte-identical for the same options; classes by name and PNG work too', async () => {
    const again = await makeShapesDataset(path.join(dir, 'mixed-again'), MIXED);
    for (const split of ['train', 'val'] as const) {
      const files = (await readdir(path.join(mixed.dir, split))).sort();
      for (const f of files) {
        expect(sha256(await readFile(path.join(again.dir, split, f))), f).toBe(
          sha256(await readFile(path.join(mixed.dir, split, f))),
        );
      }
    }
    expect(await readFile(again.trainAnnotations, 'utf8')).toBe(await readFile(mixed.trainAnnotations, 'utf8'));
    const named = await makeShapesDataset(path.join(dir, 'named'), {
      train: 3,
      val: 1,
      classes: ['star', 'cross'],
      imageSizes: { width: [300, 300], height: [200, 240] },
    });
    const json = await readJson(named.trainAnnotations);
    expect(json.categories.map((c) => c.name)).toEqual(['star', 'cross']);
    expect(json.images.every((im) => im.file_name.endsWith('.png') && im.width === 300)).toBe(true);
    expect(CocoIndex.fromJson(json).numClasses).toBe(2);
  });

  it('loads through resize-train: batches padded to their largest image, within the input size', async () => {
    const ds = await CocoDetectionDataset.open(mixed.trainAnnotations, mixed.trainImages, { filterEmpty: true });
    const pipeline = resizeTrainPipeline([256, 320]);
    const batches: Batch[] = [];
    for await (const b of new DataLoader(ds, pipeline, { batchSize: 4, seed: 2 }).epoch(0)) batches.push(b);
    expect(batches).toHaveLength(3);
    for (const b of batches) {
      const [n, height, width] = b.shape;
      const tallest = Math.max(...b.metas.map((m) => m.validHeight));
      const widest = Math.max(...b.metas.map((m) => m.validWidth));
      expect([height, width]).toEqual([Math.ceil(tallest / 32) * 32, Math.ceil(widest / 32) * 32]);
      expect(height <= 256 && width <= 320).toBe(true);
      const masked = b.masks.reduce((s, v) => s + v, 0);
      expect(masked).toBe(b.metas.reduce((s, m) => s + m.validWidth * m.validHeight, 0));
      expect(n).toBe(4);
    }
    // Worker threads rebuild the preset from its spec (with the size) and give the same batches.
    const threaded: Batch[] = [];
    for await (const b of new DataLoader(ds, pipeline, { batchSize: 4, seed: 2, workers: 1 }).epoch(0))
      threaded.push(b);
    expect(threaded.map((b) => sha256(new Uint8Array(b.images.buffer)))).toEqual(
      batches.map((b) => sha256(new Uint8Array(b.images.buffer))),
    );
    expect(threaded.map((b) => b.metas)).toEqual(batches.map((b) => b.metas));
    // collate on its own: the batch is the largest canvas rounded up to 32.
    const one = await ds.load(0);
    const two = await ds.load(1);
    const samples = [pipeline.apply(one, Rng.from(1)), pipeline.apply(two, Rng.from(2))];
    const batch = collate(samples, { epoch: 0, step: 0 });
    expect(batch.shape[1]).toBe(Math.max(...samples.map((s) => s.image.height)));
    expect(batch.shape[2]).toBe(Math.max(...samples.map((s) => s.image.width)));
  });

  it('ensureShapesDataset records the options and refuses the directory for other ones', async () => {
    const target = path.join(dir, 'ensured');
    const options: ShapesDatasetOptions = { ...MIXED, train: 2, val: 1 };
    await ensureShapesDataset(target, options);
    const marker = JSON.parse(await readFile(path.join(target, 'shapes-dataset.json'), 'utf8'));
    expect(marker).toEqual({
      generatorVersion: 1,
      train: 2,
      val: 1,
      seed: 1,
      classes: ['circle', 'square', 'triangle'],
      imageSizes: { width: [200, 900], height: [320, 600] },
      format: 'jpeg',
    });
    await expect(ensureShapesDataset(target, options)).resolves.toMatchObject({ dir: target });
    await expect(ensureShapesDataset(target, { ...options, format: 'png' })).rejects.toThrow(/made with other options/);
  });

  it('rejects bad options with a UserError', async () => {
    const bad: ShapesDatasetOptions[] = [
      { classes: 0 },
      { classes: 7 },
      { classes: ['circle', 'blob' as 'circle'] },
      { classes: ['circle', 'circle'] },
      { size: 128, imageSizes: { width: [200, 300], height: [200, 300] } },
      { imageSizes: { width: [300, 200], height: [200, 300] } },
      { imageSizes: { width: [32, 200], height: [200, 300] } },
      { format: 'gif' as 'png' },
    ];
    for (const options of bad) {
      const error = await makeShapesDataset(path.join(dir, 'bad'), { train: 1, val: 0, ...options }).catch(
        (e: unknown) => e,
      );
      expect(isUserError(error), JSON.stringify(options)).toBe(true);
    }
  });
});
