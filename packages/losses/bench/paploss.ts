/**
 * Benchmark: Parameterized AP loss, forward + backward, fast exact path vs the dense
 * reference, at (valid pairs, top-K, positives) = (200k, 100k, 1k), (200k, 100k, 5k),
 * (2M, 100k, 1k) on the cpu and wasm backends.
 *
 *   pnpm exec tsx packages/losses/bench/paploss.ts [--backends cpu,wasm] [--reps 3] [--dense-chunks 3]
 *
 * The dense reference is the formula with [K, P] matrices (paplossDenseParts + tfjs
 * autograd). Unchunked it needs tens of GB at these sizes (reported, not run), so it runs
 * over column blocks of DENSE_CHUNK columns; its cost is exactly linear in the number of
 * blocks, so only `--dense-chunks` blocks are timed and the total is extrapolated (flagged in
 * the output). Writes bench/results/paploss.json.
 */
import { parseArgs } from 'node:util';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { atomicWriteJson, runCli } from '@apdet/io';
import { Rng } from '@apdet/rng';
import {
  RETINANET_PRESET,
  paplossDenseParts,
  paplossHostForward,
  parameterizedApLoss,
  presetCtrlPoints,
  resolvePapOptions,
  selectPairs,
  type PapLossOptions,
} from '../src/index.js';

const SIZES = [
  { valid: 200_000, topK: 100_000, positives: 1_000 },
  { valid: 200_000, topK: 100_000, positives: 5_000 },
  { valid: 2_000_000, topK: 100_000, positives: 1_000 },
];
const DENSE_CHUNK = 25; // columns per dense block: [100k, 25], 10 MB per float32 matrix
const OPTIONS: PapLossOptions = { form: 'searched', ctrlPoints: presetCtrlPoints(RETINANET_PRESET) };
const MB = 2 ** 20;

/** Deterministic RetinaNet-like scores: negatives around the p = 0.01 prior, positives higher. */
function makeProblem(valid: number, positives: number, seed = 1) {
  const rng = Rng.from(seed);
  const logits = new Float32Array(valid);
  const ious = new Float32Array(valid);
  const targets = new Int32Array(valid);
  for (let i = 0; i < valid; i++) logits[i] = -4.6 + 1.5 * rng.normal();
  const stride = Math.floor(valid / positives);
  for (let j = 0; j < positives; j++) {
    const i = j * stride;
    targets[i] = 1;
    logits[i] = -2 + 1.5 * rng.normal();
    ious[i] = 0.3 + 0.65 * rng.next();
  }
  return { logits, ious, targets };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall and CPU milliseconds of fn (CPU time is what a loaded machine distorts least). */
function measure(fn: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

async function timeFast(p: ReturnType<typeof makeProblem>, reps: number) {
  const logits = tf.tensor1d(p.logits);
  const ious = tf.tensor1d(p.ious);
  const targets = tf.tensor1d(p.targets, 'int32');
  let heldBytes = 0; // tensor bytes while the loss and both gradients are alive
  const step = () => {
    const { value, grads } = tf.valueAndGrads((l: tf.Tensor, u: tf.Tensor) =>
      parameterizedApLoss(l, u, targets, OPTIONS),
    )([logits, ious]);
    heldBytes = Math.max(heldBytes, tf.memory().numBytes);
    tf.dispose([value, ...grads]);
  };
  step(); // warm-up (kernel compilation, JIT)
  const times = Array.from({ length: reps }, () => measure(step));
  const before = tf.memory().numBytes;
  heldBytes = 0;
  const info = await tf.profile(step);
  {
    // Host typed arrays of the algorithm (its own accounting), plus on wasm the device→host
    // copies of logits, ious and targets and the float32 gradient arrays that are copied into
    // the wasm heap (the cpu backend hands out and adopts its buffers: no copies).
    const forward = paplossHostForward(p, resolvePapOptions(OPTIONS));
    const hostBytes = forward.hostBytes + forward.backward().hostBytes;
    const copies = tf.getBackend() === 'wasm' ? (12 + 8) * p.logits.length : 0;
    tf.dispose([logits, ious, targets]);
    // tf.profile samples its peak after kernels only; the gradient tensors are made after the
    // last kernel, so the bytes held right after valueAndGrads are taken into account too.
    const tensorPeak = Math.max(info.peakBytes, heldBytes) - before;
    return {
      ms: median(times.map((t) => t.wall)),
      cpuMs: median(times.map((t) => t.cpu)),
      tensorPeakMB: tensorPeak / MB,
      hostMB: (hostBytes + copies) / MB,
      peakMB: (tensorPeak + hostBytes + copies) / MB,
    };
  }
}

async function timeDense(p: ReturnType<typeof makeProblem>, chunksToTime: number) {
  const resolved = resolvePapOptions(OPTIONS);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  // Selection as the dense reference does it: tf.topk over the valid logits.
  const sel = selectPairs(p.logits, p.targets, resolved.topK); // positives (host) only
  const allLogits = tf.tensor1d(p.logits);
  const allIous = tf.tensor1d(p.ious);
  const top = tf.topk(allLogits, Math.min(resolved.topK, p.logits.length));
  const rowIdx = top.indices;
  const rowLogits = tf.gather(allLogits, rowIdx) as tf.Tensor1D;
  const rowIous = tf.gather(allIous, rowIdx) as tf.Tensor1D;
  const colLogits = tf.tensor1d(Float32Array.from(sel.cols, (i) => p.logits[i]));
  const colIous = tf.tensor1d(Float32Array.from(sel.cols, (i) => p.ious[i]));
  const selectMs = performance.now() - t0;
  const selectCpu = process.cpuUsage(c0);
  const selectCpuMs = (selectCpu.user + selectCpu.system) / 1000;
  const numPos = sel.cols.length;
  const numChunks = Math.ceil(numPos / DENSE_CHUNK);
  const chunk = (c: number) => () => {
    const start = c * DENSE_CHUNK;
    const size = Math.min(DENSE_CHUNK, numPos - start);
    const cl = tf.slice(colLogits, start, size);
    const cu = tf.slice(colIous, start, size);
    const { value, grads } = tf.valueAndGrads(
      (a: tf.Tensor, b: tf.Tensor, c2: tf.Tensor, d: tf.Tensor) =>
        // one block's share of the loss: its terms / (P + 1e-8)
        tf.mul(
          paplossDenseParts(a as tf.Tensor1D, b as tf.Tensor1D, c2 as tf.Tensor1D, d as tf.Tensor1D, resolved),
          (size + 1e-8) / (numPos + 1e-8),
        ) as tf.Scalar,
    )([rowLogits, rowIous, cl, cu]);
    tf.dispose([value, ...grads, cl, cu]);
  };
  const before = tf.memory().numBytes;
  const info = await tf.profile(chunk(0));
  const chunkPeak = info.peakBytes - before;
  const times: { wall: number; cpu: number }[] = [];
  for (let c = 1; c <= Math.min(chunksToTime, numChunks - 1); c++) times.push(measure(chunk(c)));
  tf.dispose([allLogits, allIous, top.values, rowIdx, rowLogits, rowIous, colLogits, colIous]);
  // medians: robust to the load spikes of a shared machine
  const perChunk = median(times.map((t) => t.wall));
  const perChunkCpu = median(times.map((t) => t.cpu));
  const bytesPerPair = chunkPeak / (rowLogits.shape[0] * DENSE_CHUNK);
  return {
    ms: selectMs + perChunk * numChunks,
    cpuMs: selectCpuMs + perChunkCpu * numChunks,
    timedChunks: times.length,
    numChunks,
    extrapolated: times.length < numChunks,
    chunkPeakMB: chunkPeak / MB,
    unchunkedPeakMB: (bytesPerPair * rowLogits.shape[0] * numPos) / MB,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backends: { type: 'string', default: 'cpu,wasm' },
      reps: { type: 'string', default: '3' },
      'dense-chunks': { type: 'string', default: '3' },
    },
  });
  const backends = values.backends.split(',');
  const reps = Number(values.reps);
  const denseChunks = Number(values['dense-chunks']);
  const rows: Record<string, unknown>[] = [];
  for (const backend of backends) {
    if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed to start`);
    for (const size of SIZES) {
      const p = makeProblem(size.valid, size.positives);
      const fast = await timeFast(p, reps);
      const dense = await timeDense(p, denseChunks);
      const row = {
        backend,
        ...size,
        fast,
        dense,
        speedup: dense.ms / fast.ms,
        speedupCpu: dense.cpuMs / fast.cpuMs,
      };
      rows.push(row);
      console.log(
        `${backend.padEnd(5)} V=${size.valid} K=${size.topK} P=${size.positives}: fast ${fast.ms.toFixed(1)} ms (cpu ${fast.cpuMs.toFixed(1)}) ` +
          `(peak ${fast.peakMB.toFixed(1)} MB) | dense ${(dense.ms / 1000).toFixed(1)} s` +
          `${dense.extrapolated ? ` (extrapolated from ${dense.timedChunks}/${dense.numChunks} blocks)` : ''} ` +
          `block peak ${dense.chunkPeakMB.toFixed(0)} MB, unchunked ≈ ${(dense.unchunkedPeakMB / 1024).toFixed(1)} GB | ×${row.speedup.toFixed(0)}`,
      );
    }
  }
  printTable(rows);
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'paploss.json');
  await atomicWriteJson(out, {
    benchmark: 'paploss forward+backward: fast exact path vs dense reference',
    form: 'searched, RetinaNet preset (5 rows)',
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      node: process.version,
      loadavgAtEnd: os.loadavg(),
    },
    note:
      'Shared, loaded 2-core machine (other jobs running): absolute times are noisy. Dense: column ' +
      `blocks of ${DENSE_CHUNK}; total extrapolated from the timed blocks where flagged. Fast peak = ` +
      'tfjs tensor peak above the inputs (tf.profile, and bytes held right after valueAndGrads) + host typed ' +
      'arrays (algorithm accounting, an upper bound: every allocation summed) + on wasm the host copies of inputs and gradients.',
    date: new Date().toISOString(),
    results: rows,
  });
  console.log(`wrote ${out}`);
}

function printTable(rows: Record<string, unknown>[]): void {
  console.log(
    '\n| backend | valid | top-K | pos | fast fwd+bwd wall (CPU) | fast peak MB | dense fwd+bwd wall (CPU) | dense block peak MB | dense unchunked GB | speed-up wall (CPU) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows as any[]) {
    console.log(
      `| ${r.backend} | ${r.valid} | ${r.topK} | ${r.positives} | ${r.fast.ms.toFixed(0)} ms (${r.fast.cpuMs.toFixed(0)} ms) | ` +
        `${r.fast.peakMB.toFixed(1)} | ${(r.dense.ms / 1000).toFixed(0)} s (${(r.dense.cpuMs / 1000).toFixed(0)} s)${r.dense.extrapolated ? '*' : ''} | ` +
        `${r.dense.chunkPeakMB.toFixed(0)} | ${(r.dense.unchunkedPeakMB / 1024).toFixed(1)} | ${r.speedup.toFixed(0)}× (${r.speedupCpu.toFixed(0)}×) |`,
    );
  }
  console.log('* extrapolated from the timed column blocks (dense cost is linear in the number of blocks)');
}

runCli(main, 'paploss-bench');
