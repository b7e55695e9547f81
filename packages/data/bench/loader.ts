/**
 * Loader throughput (images/s): decode (sharp) + transforms + batching, with prefetching.
 *   pnpm exec tsx packages/data/bench/loader.ts [--quick] [--only=shapes|jpeg]
 * Cases: the shapes dataset (128 px PNG, flip only; and the shapes-train preset) and 640×480
 * JPEGs through the paper's 512-px SSD-style pipeline. Data is generated under /tmp.
 */
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { atomicWriteJson } from '@apdet/io';
import { DataLoader } from '../src/loader/data-loader.js';
import { CocoDetectionDataset } from '../src/loader/dataset.js';
import { Rng } from '../src/rng.js';
import { ensureShapesDataset } from '../src/shapes/make-shapes.js';
import { randomFlip } from '../src/transforms/flip.js';
import { compose, type Pipeline } from '../src/transforms/pipeline.js';
import { paperTrainPipeline, shapesTrainPipeline } from '../src/transforms/presets.js';

const quick = process.argv.includes('--quick');
const root = path.join(tmpdir(), 'apdet-data-bench');

async function makeJpegs(dir: string, count: number): Promise<string> {
  const annotations = path.join(dir, 'instances.json');
  await mkdir(path.join(dir, 'images'), { recursive: true });
  const json = { images: [] as object[], annotations: [] as object[], categories: [{ id: 1, name: 'thing' }] };
  for (let i = 0; i < count; i++) {
    const rng = Rng.from(7, i);
    const fileName = `${String(i).padStart(6, '0')}.jpg`;
    // A smooth random image with noise: JPEG sizes like photos (~60–120 kB), not like flat colour.
    const jpeg = await sharp({
      create: {
        width: 640,
        height: 480,
        channels: 3,
        background: { r: rng.int(0, 256), g: rng.int(0, 256), b: rng.int(0, 256) },
        noise: { type: 'gaussian', mean: 128, sigma: 30 },
      },
    })
      .blur(1.2)
      .jpeg({ quality: 90 })
      .toBuffer();
    await writeFile(path.join(dir, 'images', fileName), jpeg);
    json.images.push({ id: i + 1, file_name: fileName, width: 640, height: 480 });
    for (let k = rng.int(2, 10); k > 0; k--) {
      const w = rng.uniform(20, 300);
      const h = rng.uniform(20, 300);
      json.annotations.push({
        id: json.annotations.length + 1,
        image_id: i + 1,
        category_id: 1,
        bbox: [rng.uniform(0, 640 - w), rng.uniform(0, 480 - h), w, h],
        area: w * h,
        iscrowd: 0,
      });
    }
  }
  await atomicWriteJson(annotations, json, { compact: true });
  return annotations;
}

async function measure(
  name: string,
  dataset: CocoDetectionDataset,
  pipeline: Pipeline,
  batchSize: number,
  prefetch: number,
  epochs: number,
  workers = 0,
) {
  const loader = new DataLoader(dataset, pipeline, { batchSize, seed: 0, prefetch, workers });
  for await (const _ of loader.epoch(99)) break; // warm up sharp, JIT
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  let images = 0;
  for (let e = 0; e < epochs; e++) for await (const batch of loader.epoch(e)) images += batch.shape[0];
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  // CPU time per image (all threads: JS + sharp) is what an idle machine would be limited by;
  // wall-clock img/s on a shared, loaded machine understates it.
  const cpuMsPerImage = (cpu.user + cpu.system) / 1000 / images;
  await loader.close();
  const row = {
    case: name,
    batchSize,
    prefetch,
    workers,
    images,
    seconds: Number(seconds.toFixed(2)),
    imagesPerSecond: Math.round(images / seconds),
    cpuMsPerImage: Number(cpuMsPerImage.toFixed(2)),
  };
  console.log(
    `${name.padEnd(44)} batch ${String(batchSize).padStart(2)}  prefetch ${prefetch}  workers ${workers}  ` +
      `${String(row.imagesPerSecond).padStart(6)} img/s  (${images} images in ${row.seconds} s; ` +
      `${row.cpuMsPerImage} CPU-ms/image, load avg ${loadavg()[0].toFixed(1)})`,
  );
  return row;
}

const shapesPaths = await ensureShapesDataset(path.join(root, 'shapes'));
const shapes = await CocoDetectionDataset.open(shapesPaths.trainAnnotations, shapesPaths.trainImages);
const jpegCount = quick ? 64 : 200;
const jpegDir = path.join(root, `jpeg640-${jpegCount}`);
const jpegs = await CocoDetectionDataset.open(await ensureJpegs(jpegDir, jpegCount), path.join(jpegDir, 'images'));

async function ensureJpegs(dir: string, count: number): Promise<string> {
  try {
    await sharp(path.join(dir, 'images', `${String(count - 1).padStart(6, '0')}.jpg`)).metadata();
    return path.join(dir, 'instances.json');
  } catch {
    return makeJpegs(dir, count);
  }
}

console.log(
  `node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ` +
    `sharp threads ${sharp.concurrency()}, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`,
);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const cases: [string, () => Promise<Awaited<ReturnType<typeof measure>>>][] = [
  [
    'shapes',
    () => measure('shapes 128px PNG, flip only', shapes, compose('flip', [randomFlip(0.5)]), 16, 2, quick ? 1 : 2),
  ],
  [
    'shapes',
    () => measure('shapes 128px PNG, shapes-train preset', shapes, shapesTrainPipeline(), 16, 2, quick ? 1 : 2),
  ],
  [
    'jpeg',
    () => measure('640x480 JPEG, paper-train 512 (SSD-style)', jpegs, paperTrainPipeline(512), 8, 2, quick ? 1 : 2),
  ],
  ['jpeg', () => measure('same, 2 worker threads', jpegs, paperTrainPipeline(512), 8, 3, quick ? 1 : 2, 2)],
];
const rows = [];
for (const [key, run] of cases) if (only === undefined || only === key) rows.push(await run());
const results = {
  benchmark: 'loader throughput',
  command: 'pnpm exec tsx packages/data/bench/loader.ts',
  date: new Date().toISOString(),
  machine: {
    node: process.version,
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    sharpConcurrency: sharp.concurrency(),
  },
  note:
    'Measured on a shared 2-core machine under load from other processes; ' +
    'numbers are lower bounds of an idle machine.',
  targets: { shapesFlipOnly: 400, jpeg640Paper512: 50 },
  rows,
};
if (!quick && only === undefined)
  await atomicWriteJson(path.join(import.meta.dirname, 'results', 'loader.json'), results);
