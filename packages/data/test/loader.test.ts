import { createHash } from 'node:crypto';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collate } from '../src/loader/collate.js';
import { DataLoader } from '../src/loader/data-loader.js';
import { CocoDetectionDataset, type DetectionDataset } from '../src/loader/dataset.js';
import { planEpoch } from '../src/loader/epoch-plan.js';
import { Rng } from '../src/rng.js';
import { makeShapesDataset, type ShapesDatasetPaths } from '../src/shapes/make-shapes.js';
import { compose } from '../src/transforms/pipeline.js';
import { paperTrainPipeline, shapesTrainPipeline } from '../src/transforms/presets.js';
import type { Sample } from '../src/transforms/sample.js';
import type { Batch } from '../src/loader/collate.js';
import { randomSample } from './helpers.js';

let dir: string;
let shapes: ShapesDatasetPaths;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'apdet-data-loader-'));
  shapes = await makeShapesDataset(path.join(dir, 'shapes'), { train: 22, val: 2, seed: 5 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function digest(batch: Batch): string {
  const h = createHash('sha256');
  h.update(Buffer.from(batch.images.buffer, batch.images.byteOffset, batch.images.byteLength));
  h.update(batch.masks);
  for (const b of batch.boxes) h.update(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  for (const l of batch.labels) h.update(Buffer.from(l.buffer, l.byteOffset, l.byteLength));
  h.update(JSON.stringify(batch.metas));
  return h.digest('hex');
}

async function collect(iterable: AsyncIterable<Batch>, limit = Infinity): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of iterable) {
    out.push(b);
    if (out.length >= limit) break;
  }
  return out;
}

describe('DataLoader on the shapes dataset', () => {
  it('gives byte-identical batches for the same seed, whatever the prefetch depth', async () => {
    const ds = await CocoDetectionDataset.open(shapes.trainAnnotations, shapes.trainImages);
    const a = await collect(
      new DataLoader(ds, paperTrainPipeline(64), { batchSize: 4, seed: 9, prefetch: 1 }).epoch(1),
    );
    const b = await collect(
      new DataLoader(ds, paperTrainPipeline(64), { batchSize: 4, seed: 9, prefetch: 4 }).epoch(1),
    );
    expect(a.map(digest)).toEqual(b.map(digest));
    expect(a).toHaveLength(6);
    expect(a.at(-1)!.shape).toEqual([2, 64, 64, 3]);
    const other = await collect(new DataLoader(ds, paperTrainPipeline(64), { batchSize: 4, seed: 10 }).epoch(1));
    expect(other.map(digest)).not.toEqual(a.map(digest));
    const nextEpoch = await collect(new DataLoader(ds, paperTrainPipeline(64), { batchSize: 4, seed: 9 }).epoch(2));
    expect(nextEpoch.map(digest)).not.toEqual(a.map(digest));
  });

  it('resumes at (epoch, step) with the batches an uninterrupted run would have seen', async () => {
    const ds = await CocoDetectionDataset.open(shapes.trainAnnotations, shapes.trainImages);
    const loader = new DataLoader(ds, shapesTrainPipeline(), { batchSize: 5, seed: 1, dropLast: true });
    expect(loader.stepsPerEpoch).toBe(4);
    const run = await collect(loader.from({ epoch: 0, step: 0 }), 7);
    expect(run.map((b) => b.position)).toEqual(
      [0, 1, 2, 3, 0, 1, 2].map((step, i) => ({ epoch: i < 4 ? 0 : 1, step })),
    );
    const resumed = await collect(
      new DataLoader(ds, shapesTrainPipeline(), { batchSize: 5, seed: 1, dropLast: true }).from(
        loader.next(run[2].position),
      ),
      4,
    );
    expect(resumed.map(digest)).toEqual(run.slice(3).map(digest));
    expect(digest(await loader.batchAt({ epoch: 1, step: 1 }))).toBe(digest(run[5]));
  });

  it('gives the same bytes with worker threads as on the main thread', async () => {
    const ds = await CocoDetectionDataset.open(shapes.trainAnnotations, shapes.trainImages);
    const main = await collect(new DataLoader(ds, paperTrainPipeline(64), { batchSize: 4, seed: 9 }).epoch(0));
    const threaded = new DataLoader(ds, paperTrainPipeline(64), { batchSize: 4, seed: 9, workers: 2 });
    try {
      const viaWorkers = await collect(threaded.epoch(0));
      expect(viaWorkers.map(digest)).toEqual(main.map(digest));
    } finally {
      await threaded.close();
    }
    expect(() => new DataLoader(ds, compose('custom', []), { batchSize: 4, seed: 0, workers: 1 })).toThrow(
      /preset pipeline/,
    );
  });

  it('reports a missing image file by name', async () => {
    const ds = await CocoDetectionDataset.open(shapes.valAnnotations, shapes.valImages);
    await unlink(path.join(shapes.valImages, '000002.png'));
    const loader = new DataLoader(ds, shapesTrainPipeline(), { batchSize: 2, seed: 0 });
    await expect(collect(loader.epoch(0))).rejects.toThrow(/000002\.png: cannot read image: file not found/);
    const threaded = new DataLoader(ds, shapesTrainPipeline(), { batchSize: 2, seed: 0, workers: 1 });
    await expect(collect(threaded.epoch(0))).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(/000002\.png: cannot read image: file not found/),
    });
    await threaded.close();
  });
});

/** An in-memory dataset of random samples of various sizes that records how many loads run at once. */
class FakeDataset implements DetectionDataset {
  readonly samples: Sample[];
  active = 0;
  maxActive = 0;
  started = 0;
  constructor(n: number) {
    this.samples = Array.from({ length: n }, (_, i) => {
      const s = randomSample(Rng.from(42, i), { minSide: 20, maxSide: 70 });
      s.meta.index = i;
      return s;
    });
  }
  get length(): number {
    return this.samples.length;
  }
  aspectRatio(i: number): number {
    return this.samples[i].image.width / this.samples[i].image.height;
  }
  async load(i: number): Promise<Sample> {
    this.started++;
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    await new Promise((resolve) => setTimeout(resolve, 2));
    this.active--;
    const s = this.samples[i];
    return { ...s, image: { ...s.image, data: s.image.data.slice() } };
  }
}

describe('batching', () => {
  it('pads to the largest image rounded to 32 and masks exactly the valid pixels', () => {
    const samples = [
      randomSample(Rng.from(1), { minSide: 20, maxSide: 70 }),
      randomSample(Rng.from(2), { minSide: 20, maxSide: 70 }),
    ];
    const batch = collate(samples, { epoch: 0, step: 0 });
    const [n, H, W] = batch.shape;
    expect(H % 32).toBe(0);
    expect(W % 32).toBe(0);
    expect(H).toBeGreaterThanOrEqual(Math.max(...samples.map((s) => s.image.height)));
    for (let k = 0; k < n; k++) {
      const s = samples[k];
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const inside = x < s.image.width && y < s.image.height;
          expect(batch.masks[k * H * W + y * W + x]).toBe(inside ? 1 : 0);
          const v = batch.images[((k * H + y) * W + x) * 3];
          expect(v).toBe(inside ? s.image.data[(y * s.image.width + x) * 3] : 0);
        }
      }
    }
  });

  it('keeps at most `prefetch` batches of loads in flight', async () => {
    const ds = new FakeDataset(40);
    const loader = new DataLoader(ds, compose('none', []), { batchSize: 4, seed: 0, prefetch: 2 });
    let consumed = 0;
    for await (const _ of loader.epoch(0)) {
      consumed++;
      // Loads started never run further ahead than the batches allowed in flight.
      expect(ds.started).toBeLessThanOrEqual((consumed + 2) * 4);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(consumed).toBe(10);
    expect(ds.maxActive).toBeLessThanOrEqual(8);
    expect(ds.maxActive).toBeGreaterThan(4); // decoding of the next batch overlaps
  });

  it('plans each index once per epoch, shuffles per epoch, and groups by aspect ratio on request', () => {
    const ds = new FakeDataset(37);
    const base = { length: 37, batchSize: 4, seed: 3, shuffle: true, dropLast: false };
    const e0 = planEpoch({ ...base, epoch: 0 });
    const e1 = planEpoch({ ...base, epoch: 1 });
    expect(e0.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 37 }, (_, i) => i));
    expect(e0).not.toEqual(e1);
    expect(planEpoch({ ...base, epoch: 0 })).toEqual(e0);
    expect(planEpoch({ ...base, epoch: 0, dropLast: true }).every((b) => b.length === 4)).toBe(true);
    const grouped = planEpoch({ ...base, epoch: 0, aspectRatios: (i) => ds.aspectRatio(i) });
    expect(grouped.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 37 }, (_, i) => i));
    for (const batch of grouped) expect(new Set(batch.map((i) => ds.aspectRatio(i) >= 1)).size).toBe(1);
    expect(planEpoch({ ...base, shuffle: false, epoch: 0 })[0]).toEqual([0, 1, 2, 3]);
  });
});
