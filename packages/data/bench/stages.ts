/**
 * Per-stage timing of the paper's 512-px training pipeline on 640×480 JPEGs (ms per image):
 *   pnpm exec tsx packages/data/bench/stages.ts   (run bench/loader.ts first: it makes the JPEGs)
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeRgbImage } from '../src/image/load-image.js';
import { collate } from '../src/loader/collate.js';
import { Rng } from '../src/rng.js';
import { paperTrainPipeline } from '../src/transforms/presets.js';
import { canvasFromPixels, type Sample } from '../src/transforms/sample.js';

const dir = path.join(tmpdir(), 'apdet-data-bench', 'jpeg640-200', 'images');
const files = Array.from({ length: 40 }, (_, i) => path.join(dir, `${String(i).padStart(6, '0')}.jpg`));
const bytes = await Promise.all(files.map((f) => readFile(f)));
const totals = new Map<string, number>();
const time = <T>(name: string, f: () => T): T => {
  const t = performance.now();
  const r = f();
  totals.set(name, (totals.get(name) ?? 0) + performance.now() - t);
  return r;
};
const pipeline = paperTrainPipeline(512);
const samples: Sample[] = [];
for (let round = 0; round < 2; round++) {
  totals.clear();
  samples.length = 0;
  for (let i = 0; i < files.length; i++) {
    const t = performance.now();
    const decoded = await decodeRgbImage(bytes[i], files[i]);
    totals.set('decode (sharp, awaited)', (totals.get('decode (sharp, awaited)') ?? 0) + performance.now() - t);
    let s: Sample = time('to float32', () => ({
      image: canvasFromPixels(decoded.data, decoded.width, decoded.height),
      boxes: Float32Array.from([10, 10, 200, 200, 300, 100, 500, 400]),
      labels: Int32Array.from([0, 0]),
      ignoreBoxes: new Float32Array(0),
      meta: {
        index: i,
        imageId: i,
        file: '',
        originalWidth: 640,
        originalHeight: 480,
        affine: { sx: 1, tx: 0, sy: 1, ty: 0 },
        validWidth: 640,
        validHeight: 480,
      },
    }));
    const rng = Rng.from(0, round, i);
    for (const t of pipeline.transforms) s = time(t.name, () => t.apply(s, rng));
    samples.push(s);
  }
  for (let k = 0; k + 8 <= samples.length; k += 8)
    time('collate (per image, batch 8)', () => collate(samples.slice(k, k + 8), { epoch: 0, step: 0 }));
}
for (const [name, ms] of totals) console.log(`${name.padEnd(40)} ${(ms / files.length).toFixed(2)} ms/image`);
