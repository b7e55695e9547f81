/**
 * Parsing, validating and indexing a COCO-train2017-sized instances file
 * (118,287 images, 860,001 boxes, 80 categories; generated, ~110 MB of JSON):
 *   pnpm exec tsx packages/data/bench/coco-index.ts [--quick]
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { atomicWriteJson } from '@apdet/io';
import { CocoIndex } from '../src/coco/coco-index.js';
import { validateCoco } from '../src/coco/validate.js';
import { Rng } from '../src/rng.js';

const quick = process.argv.includes('--quick');
const IMAGES = quick ? 5_000 : 118_287;
const BOXES = quick ? 36_781 : 860_001;

function makeCocoText(): string {
  const rng = Rng.from(2017);
  const images = Array.from({ length: IMAGES }, (_, i) => ({
    license: 1,
    file_name: `${String(i + 1).padStart(12, '0')}.jpg`,
    coco_url: '',
    height: 480,
    width: 640,
    date_captured: '2013-11-14 16:28:13',
    flickr_url: '',
    id: i + 1,
  }));
  const annotations = Array.from({ length: BOXES }, (_, i) => {
    const w = Math.round(rng.uniform(1, 300) * 100) / 100;
    const h = Math.round(rng.uniform(1, 300) * 100) / 100;
    return {
      segmentation: [[1, 2, 3, 4, 5, 6]],
      area: Math.round(w * h * 0.6 * 100) / 100,
      iscrowd: rng.chance(0.01) ? 1 : 0,
      image_id: rng.int(1, IMAGES + 1),
      bbox: [Math.round(rng.uniform(0, 640 - w) * 100) / 100, Math.round(rng.uniform(0, 480 - h) * 100) / 100, w, h],
      category_id: rng.int(1, 81),
      id: i + 1,
    };
  });
  const categories = Array.from({ length: 80 }, (_, i) => ({
    supercategory: 'thing',
    id: i + 1,
    name: `class${i + 1}`,
  }));
  return JSON.stringify({ info: {}, licenses: [], images, annotations, categories });
}

const time = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const r = f();
  return [r, (performance.now() - t) / 1000];
};
const text = makeCocoText();
const [json, parseSeconds] = time(() => JSON.parse(text) as unknown);
const [report, validateSeconds] = time(() => validateCoco(json));
const [index, indexSeconds] = time(() => CocoIndex.fromJson(json));
const rows = [
  { step: 'JSON.parse (V8, not ours)', seconds: parseSeconds },
  { step: 'validateCoco (every record)', seconds: validateSeconds },
  { step: 'CocoIndex.fromJson (validate + index)', seconds: indexSeconds },
];
console.log(
  `${IMAGES} images, ${BOXES} boxes, ${(text.length / 1e6).toFixed(0)} MB JSON; ` +
    `problems: ${report.problems.length}; indexed ${index.annotationCount} annotations; ` +
    `load avg ${loadavg()[0].toFixed(1)}`,
);
for (const r of rows) console.log(`${r.step.padEnd(40)} ${r.seconds.toFixed(2)} s`);
if (!quick) {
  await atomicWriteJson(path.join(import.meta.dirname, 'results', 'coco-index.json'), {
    benchmark: 'COCO train2017-sized index',
    command: 'pnpm exec tsx packages/data/bench/coco-index.ts',
    date: new Date().toISOString(),
    machine: {
      node: process.version,
      cores: availableParallelism(),
      cpu: cpus()[0]?.model ?? 'unknown',
      loadAverage: loadavg()[0],
    },
    note: 'Measured on a shared 2-core machine under load from other processes.',
    images: IMAGES,
    boxes: BOXES,
    jsonMegabytes: Math.round(text.length / 1e6),
    rows: rows.map((r) => ({ ...r, seconds: Number(r.seconds.toFixed(3)) })),
  });
}
