/**
 * RoIAlign forward and forward+backward at Faster R-CNN size: 512 RoIs, 7×7 bins, FPN
 * P2–P5 of a 512-pixel image (128², 64², 32², 16²), 256 channels, batch 1.
 *
 *   pnpm exec tsx packages/ops/bench/roi-align.ts [--reps 3] [--backends wasm,cpu]
 *
 * Prints a table and writes packages/ops/bench/results/roi-align.json.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng } from '@apdet/rng';
import * as tf from '@tensorflow/tfjs';
import { registerTrainingKernels } from '@apdet/backend';
import { mapRoisToLevels, multiLevelRoiAlign, type MultiLevelRoiAlignOptions } from '../src/roi/index.js';
import { timeMs } from './_timing.js';

const IMAGE = 512;
const STRIDES = [4, 8, 16, 32];
const CHANNELS = 256;
const NUM_ROIS = 512;

/** Seeded proposals: sizes log-uniform in [16, 512] px, aspect 1:2…2:1, clipped to the image. */
function proposals(count: number): number[][] {
  const rng = Rng.from(12345);
  return Array.from({ length: count }, () => {
    const size = 16 * Math.pow(32, rng.next());
    const aspect = Math.pow(2, rng.uniform(-1, 1));
    const [w, h] = [size * Math.sqrt(aspect), size / Math.sqrt(aspect)];
    const [cx, cy] = [rng.uniform(0, IMAGE), rng.uniform(0, IMAGE)];
    const clip = (v: number) => Math.min(IMAGE, Math.max(0, v));
    return [0, clip(cx - w / 2), clip(cy - h / 2), clip(cx + w / 2), clip(cy + h / 2)];
  });
}

const CONFIGS: [string, Omit<MultiLevelRoiAlignOptions, 'featureStrides'>][] = [
  ['sr2, aligned=false (torchvision)', { outputSize: [7, 7], samplingRatio: 2, aligned: false }],
  ['sr0 adaptive, aligned=true (mmdet)', { outputSize: [7, 7], samplingRatio: 0, aligned: true }],
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { reps: { type: 'string', default: '3' }, backends: { type: 'string', default: 'wasm,cpu' } },
  });
  const reps = Number(values.reps);
  registerTrainingKernels();
  const rois = proposals(NUM_ROIS);
  const results: { backend: string; config: string; forward_ms: number; forward_backward_ms: number }[] = [];
  for (const backend of values.backends.split(',')) {
    await tf.setBackend(backend);
    const features = STRIDES.map((s) =>
      tf.randomNormal<tf.Rank.R4>([1, IMAGE / s, IMAGE / s, CHANNELS], 0, 1, 'float32', 1),
    );
    const roiTensor = tf.tensor2d(rois);
    const perLevel = Array.from(mapRoisToLevels(roiTensor, { minLevel: 2, maxLevel: 5 })).reduce<number[]>(
      (acc, k) => {
        acc[k - 2]++;
        return acc;
      },
      [0, 0, 0, 0],
    );
    const gradOut = tf.randomNormal([NUM_ROIS, 7, 7, CHANNELS], 0, 1, 'float32', 2);
    for (const [name, cfg] of CONFIGS) {
      const o = { ...cfg, featureStrides: STRIDES };
      const forwardMs = timeMs(
        () => tf.tidy(() => void multiLevelRoiAlign(features, roiTensor, o).dataSync()),
        reps,
      ).median;
      const loss = (...fs: tf.Tensor[]) =>
        tf.sum(tf.mul(multiLevelRoiAlign(fs as tf.Tensor4D[], roiTensor, o), gradOut));
      const fwdBwdMs = timeMs(
        () =>
          tf.tidy(() =>
            tf
              .grads(loss)(features)
              .forEach((g) => g.dataSync()),
          ),
        reps,
      ).median;
      const row = {
        backend,
        config: name,
        forward_ms: +forwardMs.toFixed(1),
        forward_backward_ms: +fwdBwdMs.toFixed(1),
        rois_per_level_P2_P5: perLevel,
      };
      results.push(row);
      console.log(row);
    }
    tf.dispose([...features, roiTensor, gradOut]);
  }
  console.log('\n| backend | config | forward ms | forward+backward ms |\n|---|---|---|---|');
  for (const r of results) console.log(`| ${r.backend} | ${r.config} | ${r.forward_ms} | ${r.forward_backward_ms} |`);
  const out = fileURLToPath(new URL('./results/roi-align.json', import.meta.url));
  const json = {
    benchmark: 'roiAlign (multiLevelRoiAlign) forward / forward+backward',
    setup: {
      rois: NUM_ROIS,
      output: [7, 7],
      channels: CHANNELS,
      image: IMAGE,
      levels: STRIDES.map((s) => IMAGE / s),
      batch: 1,
    },
    reps_after_warmup: reps,
    statistic: 'median wall ms',
    environment: {
      node: process.version,
      tfjs: tf.version.tfjs,
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model,
      loadavg_1min_at_end: loadavg()[0],
    },
    note:
      'wasm single-threaded SIMD; registerTrainingKernels() on both backends. ' +
      'Taken on a shared, loaded 2-core machine: compare ratios, not absolute values.',
    date: new Date().toISOString(),
    results,
  };
  writeFileSync(`${out}.tmp`, `${JSON.stringify(json, null, 2)}\n`);
  renameSync(`${out}.tmp`, out);
  console.log(`wrote ${out}`);
}

await main();
