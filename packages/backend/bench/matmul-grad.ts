// Benchmark: matMul with transpose flags on wasm, stock kernel vs our explicit-transpose
// wrapper (registered by registerTrainingKernels), and one Linear-layer training step.
//
//   pnpm exec tsx packages/backend/bench/matmul-grad.ts
//
// Writes packages/backend/bench/results/matmul-grad.json.
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { atomicWriteJson } from '@apdet/io';
import { registerTrainingKernels } from '../src/register.js';

const OUT = fileURLToPath(new URL('./results/matmul-grad.json', import.meta.url));
const N = 1024;
const REPS = 3;

function time(fn: () => tf.Tensor): number {
  const once = () => {
    const t0 = performance.now();
    const out = fn();
    out.dataSync();
    out.dispose();
    return performance.now() - t0;
  };
  once();
  const runs = Array.from({ length: REPS }, once).sort((a, b) => a - b);
  return runs[Math.floor(REPS / 2)];
}

await tf.setBackend('wasm');
const a = tf.randomNormal([N, N]);
const b = tf.randomNormal([N, N]);
const gflop = (2 * N ** 3) / 1e9;
const variants: [string, boolean, boolean][] = [
  ['A·B', false, false],
  ['A·Bᵀ', false, true],
  ['Aᵀ·B', true, false],
];
const rows: { op: string; impl: string; ms: number; gflops: number }[] = [];
const measure = (impl: string) => {
  for (const [op, ta, tb] of variants) {
    const ms = time(() => tf.matMul(a, b, ta, tb));
    rows.push({ op, impl, ms, gflops: gflop / (ms / 1000) });
  }
  // One Linear-layer step: forward + both gradients (dX = dy·Wᵀ, dW = xᵀ·dy).
  const ms = time(() =>
    tf.tidy(() => tf.addN(tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.matMul(x, w)))([a, b]))),
  );
  rows.push({ op: 'Linear fwd+bwd', impl, ms, gflops: (3 * gflop) / (ms / 1000) });
};
measure('stock');
registerTrainingKernels();
measure('ours');

console.log(`matMul ${N}×${N}×${N} on wasm (1 thread), median of ${REPS}`);
console.log('op | impl | ms | GFLOP/s\n--- | --- | --- | ---');
for (const r of rows) console.log(`${r.op} | ${r.impl} | ${r.ms.toFixed(0)} | ${r.gflops.toFixed(1)}`);
await atomicWriteJson(OUT, {
  benchmark: 'matmul-grad',
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavg1m: os.loadavg()[0] },
  note: 'Wall-clock medians on a shared machine (other jobs running); read as ranges.',
  size: N,
  rows,
});
console.log(`\nwrote ${OUT}`);
