// One backend configuration of bench/conv-grad.ts, in its own process (wasm threads must be
// set before wasm initialises, and the stock kernels are timed BEFORE ours replace them).
// Prints one JSON line: the rows for this configuration.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { conv2dFilterGrad, conv2dInputGrad } from '../src/conv-grad-math.js';
import { convGeometry } from '../src/conv-geometry.js';
import { registerTrainingKernels } from '../src/register.js';
import { initThreadedWasm } from '../src/wasm-threads.js';

export interface BenchCase {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
}

export interface BenchRow {
  backend: string;
  case: string;
  op: 'forward' | 'dX' | 'dW';
  impl: 'ours' | 'stock';
  gflop: number;
  ms: number | null;
  gflops: number | null;
  note?: string;
}

const [backend, threadsArg, repsArg, casesJson, stockDwJson] = process.argv.slice(2);
const threads = Number(threadsArg);
const reps = Number(repsArg);
const cases = JSON.parse(casesJson) as BenchCase[];
const stockDwCase = JSON.parse(stockDwJson) as BenchCase | null;

function flops(c: BenchCase): number {
  const [n, h, w] = c.x;
  const [kh, kw, ci, co] = c.filter;
  const oh = Math.ceil(h / c.stride);
  const ow = Math.ceil(w / c.stride);
  return 2 * n * oh * ow * kh * kw * ci * co;
}

/** Median wall time of `reps` runs after one warm-up; the result is read back each time. */
function time(fn: () => tf.Tensor): number {
  const once = () => {
    const t0 = performance.now();
    const out = fn();
    out.dataSync();
    const ms = performance.now() - t0;
    out.dispose();
    return ms;
  };
  once();
  const runs = Array.from({ length: reps }, once).sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)];
}

function inputs(c: BenchCase) {
  const x = tf.randomNormal(c.x) as tf.Tensor4D;
  const w = tf.randomNormal(c.filter) as tf.Tensor4D;
  const y = tf.conv2d(x, w, c.stride, 'same');
  const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
  y.dispose();
  return { x, w, dy };
}

const attrs = (c: BenchCase) => ({ strides: c.stride, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined });

function row(c: BenchCase, op: BenchRow['op'], impl: BenchRow['impl'], ms: number | null, note?: string): BenchRow {
  const gflop = flops(c) / 1e9;
  return {
    backend: label,
    case: c.name,
    op,
    impl,
    gflop,
    ms,
    gflops: ms == null ? null : gflop / (ms / 1000),
    ...(note ? { note } : {}),
  };
}

const label = backend === 'wasm' ? `wasm ${threads}t` : backend;
if (backend === 'wasm' && threads > 1) await initThreadedWasm(threads);
else await tf.setBackend(backend);
const rows: BenchRow[] = [];

// Stock kernels first (registerTrainingKernels replaces them).
for (const c of cases) {
  const { x, w, dy } = inputs(c);
  rows.push(
    row(
      c,
      'dX',
      'stock',
      time(
        () =>
          tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, {
            ...attrs(c),
            inputShape: x.shape,
          } as never) as tf.Tensor,
      ),
    ),
  );
  if (tf.getKernel('Conv2DBackpropFilter', backend) == null)
    rows.push(row(c, 'dW', 'stock', null, 'kernel missing on this backend'));
  else if (stockDwCase == null)
    rows.push(row(c, 'dW', 'stock', null, 'not run (too slow at this size; see the reduced case)'));
  tf.dispose([x, w, dy]);
}
if (stockDwCase != null && tf.getKernel('Conv2DBackpropFilter', backend) != null) {
  const { x, w, dy } = inputs(stockDwCase);
  rows.push(
    row(
      stockDwCase,
      'dW',
      'stock',
      time(
        () =>
          tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
            ...attrs(stockDwCase),
            filterShape: w.shape,
          } as never) as tf.Tensor,
      ),
    ),
  );
  const g = convGeometry(x.shape, w.shape, stockDwCase.stride, 1, 'same');
  rows.push(
    row(
      stockDwCase,
      'dW',
      'ours',
      time(() => conv2dFilterGrad(x, dy, g)),
    ),
  );
  tf.dispose([x, w, dy]);
}

registerTrainingKernels();
for (const c of cases) {
  const { x, w, dy } = inputs(c);
  const g = convGeometry(x.shape, w.shape, c.stride, 1, 'same');
  rows.push(
    row(
      c,
      'forward',
      'stock',
      time(() => tf.conv2d(x, w, c.stride, 'same')),
    ),
  );
  rows.push(
    row(
      c,
      'dX',
      'ours',
      time(() => conv2dInputGrad(dy, w, g)),
    ),
  );
  rows.push(
    row(
      c,
      'dW',
      'ours',
      time(() => conv2dFilterGrad(x, dy, g)),
    ),
  );
  tf.dispose([x, w, dy]);
}
const actualThreads = backend === 'wasm' ? getThreadsCount() : 1;
process.stdout.write(`${JSON.stringify({ label, threads: actualThreads, rows })}\n`);
process.exit(0);
