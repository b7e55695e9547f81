/**
 * Custom datasets in one command: a generated COCO dataset with 3 classes and JPEG images of
 * mixed sizes and aspect ratios (200×320 to 900×600) trains with the default config, `--data`
 * and `--input-size 160`: the heads are sized for its 3 categories, images are resized keeping
 * their ratio, and detections come back in original image coordinates, labelled with its ids.
 */
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeShapesDataset } from '@apdet/data';
import type { CocoDetection } from '@apdet/detector';
import { Rng } from '@apdet/rng';
import { datasetFiles, openValData, readManifest } from '../src/index.js';
import { train } from './helpers.js';

let dir: string;
let data: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'apdet-custom-'));
  data = path.join(dir, 'photos');
  await makeShapesDataset(data, {
    train: 12,
    val: 6,
    seed: 1,
    classes: 3,
    format: 'jpeg',
    imageSizes: { width: [200, 900], height: [320, 600] },
  });
}, 120_000);
afterAll(async () => rm(dir, { recursive: true, force: true }));

interface GtJson {
  images: { id: number; width: number; height: number }[];
  categories: { id: number; name: string }[];
}

describe('training on a user COCO dataset', () => {
  it('trains 3 steps and evaluates with classes from the data and --input-size 160', async () => {
    const out = path.join(dir, 'run');
    const result = await train([
      '--data',
      data,
      '--input-size',
      '160',
      // 12 training images: the default batch of 16 would be refused as larger than the set.
      '--batch',
      '4',
      '--max-steps',
      '3',
      '--backend',
      'wasm',
      '--out',
      out,
    ]);
    expect(result.state.iter).toBe(3);
    expect(result.stats).toHaveLength(12);
    const gt = JSON.parse(await readFile(path.join(data, 'instances_val.json'), 'utf8')) as GtJson;
    const train3 = JSON.parse(await readFile(path.join(data, 'instances_train.json'), 'utf8')) as GtJson;
    const sizes = new Set(gt.images.map((im) => `${im.width}x${im.height}`));
    expect(sizes.size).toBeGreaterThan(3); // really mixed sizes
    const m = await readManifest(out);
    expect(m.settings.config.numClasses).toBe(3);
    expect(m.settings.config.inputSize).toEqual([160, 160]);
    expect(m.settings.classes).toEqual(train3.categories.map((c) => ({ id: c.id, name: c.name })));
    // Detections: original image coordinates, category ids of the dataset.
    const dets = JSON.parse(await readFile(path.join(out, 'detections.json'), 'utf8')) as CocoDetection[];
    const byId = new Map(gt.images.map((im) => [im.id, im]));
    const ids = new Set(gt.categories.map((c) => c.id));
    for (const d of dets) {
      const im = byId.get(d.image_id)!;
      expect(ids.has(d.category_id)).toBe(true);
      expect(d.bbox[0]).toBeGreaterThanOrEqual(0);
      expect(d.bbox[1]).toBeGreaterThanOrEqual(0);
      expect(d.bbox[0] + d.bbox[2]).toBeLessThanOrEqual(im.width + 1e-3);
      expect(d.bbox[1] + d.bbox[3]).toBeLessThanOrEqual(im.height + 1e-3);
    }
    // The val pipeline resized every image keeping its ratio to fit 160×160 (the longer side is
    // 160), so the detections above were mapped back through a real scale.
    const val = await openValData(m.settings, await datasetFiles(m.settings, () => {}, { valOnly: true }));
    for (let i = 0; i < val.valSubset.length; i++) {
      const { meta } = val.valPipeline.apply(await val.valSubset.load(i), Rng.from(0, i));
      const scale = 160 / Math.max(meta.originalWidth, meta.originalHeight);
      expect(Math.max(meta.validWidth, meta.validHeight)).toBe(160);
      expect(meta.affine.sx).toBeCloseTo(scale, 2);
      expect(meta.affine.sy).toBeCloseTo(scale, 2);
      expect(meta.validWidth / meta.validHeight).toBeCloseTo(meta.originalWidth / meta.originalHeight, 1);
    }
  }, 300_000);
});
