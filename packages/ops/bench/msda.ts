/**
 * Multi-scale deformable attention forward and forward+backward at Deformable DETR size:
 * 300 queries × 8 heads × 4 levels × 4 points, d_model 256 (D = 32 per head), value maps of
 * a 512-pixel image at strides 8–64 (64², 32², 16², 8²), batch 1.
 *
 *   pnpm exec tsx packages/ops/bench/msda.ts [--reps 3] [--backends wasm,cpu]
 *
 * Prints a table and writes packages/ops/bench/results/msda.json.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { registerTrainingKernels } from '@apdet/backend';
import { msDeformAttn } from '../src/deform/index.js';
import { timeMs } from './_timing.js';

const QUERIES = 300;
const HEADS = 8;
const POINTS = 4;
const D_MODEL = 256;
const SHAPES: [number, number][] = [
  [64, 64],
  [32, 32],
  [16, 16],
  [8, 8],
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { reps: { type: 'string', default: '3' }, backends: { type: 'string', default: 'wasm,cpu' } },
  });
  const reps = Number(values.reps);
  registerTrainingKernels();
  const levels = SHAPES.length;
  const starts = SHAPES.reduce<number[]>(
    (acc, _shape, l) => [...acc, l === 0 ? 0 : acc[l - 1] + SHAPES[l - 1][0] * SHAPES[l - 1][1]],
    [],
  );
  const keys = SHAPES.reduce((a, [h, w]) => a + h * w, 0);
  const results: Record<string, unknown>[] = [];
  for (const backend of values.backends.split(',')) {
    await tf.setBackend(backend);
    const value = tf.randomNormal([1, keys, HEADS, D_MODEL / HEADS], 0, 1, 'float32', 1) as tf.Tensor4D;
    // Reference points plus small offsets, as in Deformable DETR: mostly inside [0, 1].
    const locs = tf.clipByValue(
      tf.randomUniform([1, QUERIES, HEADS, levels, POINTS, 2], -0.05, 1.05, 'float32', 2),
      -0.1,
      1.1,
    );
    const attn = tf.reshape(tf.softmax(tf.randomNormal([1, QUERIES, HEADS, levels * POINTS], 0, 1, 'float32', 3)), [
      1,
      QUERIES,
      HEADS,
      levels,
      POINTS,
    ]);
    const gradOut = tf.randomNormal([1, QUERIES, D_MODEL], 0, 1, 'float32', 4);
    const f = (v: tf.Tensor, l: tf.Tensor, a: tf.Tensor) => msDeformAttn(v as tf.Tensor4D, SHAPES, starts, l, a);
    const forwardMs = timeMs(() => tf.tidy(() => void f(value, locs, attn).dataSync()), reps).median;
    const loss = (v: tf.Tensor, l: tf.Tensor, a: tf.Tensor) => tf.sum(tf.mul(f(v, l, a), gradOut));
    const fwdBwdMs = timeMs(
      () =>
        tf.tidy(() =>
          tf
            .grads(loss)([value, locs, attn])
            .forEach((g) => g.dataSync()),
        ),
      reps,
    ).median;
    const row = { backend, forward_ms: +forwardMs.toFixed(1), forward_backward_ms: +fwdBwdMs.toFixed(1) };
    results.push(row);
    console.log(row);
    tf.dispose([value, locs, attn, gradOut]);
  }
  console.log('\n| backend | forward ms | forward+backward ms |\n|---|---|---|');
  for (const r of results)
    console.log(`| ${String(r.backend)} | ${String(r.forward_ms)} | ${String(r.forward_backward_ms)} |`);
  const out = fileURLToPath(new URL('./results/msda.json', import.meta.url));
  const json = {
    benchmark: 'msDeformAttn forward / forward+backward (grads w.r.t. value, sampling locations, attention weights)',
    setup: { batch: 1, queries: QUERIES, heads: HEADS, levels: SHAPES, points: POINTS, d_model: D_MODEL },
    reps_after_warmup: reps,
    statistic: 'median wall ms',
    environment: {
      node: process.version,
      tfjs: tf.version.tfjs,
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model,
      loadavg_1min_at_end: loadavg()[0],
    },
    note: 'wasm single-threaded SIMD; registerTrainingKernels() on both backends. Taken on a shared, loaded 2-core machine: compare ratios, not absolute values.',
    date: new Date().toISOString(),
    results,
  };
  writeFileSync(`${out}.tmp`, `${JSON.stringify(json, null, 2)}\n`);
  renameSync(`${out}.tmp`, out);
  console.log(`wrote ${out}`);
}

await main();
