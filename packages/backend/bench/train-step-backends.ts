// Benchmark: detector training-step throughput (img/s) on each backend, side by side in one
// run: webgpu (whatever adapter Dawn offers: a GPU, or lavapipe on a machine without one),
// wasm (1 thread) and cpu. One process per backend (_train-step-backends-worker.ts).
//
//   pnpm bench backend                      # all benchmarks of this package (this one included)
//   pnpm exec tsx packages/backend/bench/train-step-backends.ts [--backends webgpu,wasm,cpu]
//       [--models retinanet:retinanet-tiny,faster-rcnn:faster-rcnn-tiny] [--batch 4] [--iters 3]
//   # on a GPU machine, the paper-size models at batch 8:
//   pnpm exec tsx packages/backend/bench/train-step-backends.ts --backends webgpu \
//       --models retinanet:retinanet-r50-fpn-512,faster-rcnn:faster-rcnn-r50-fpn-512 --batch 8 --out gpu
//
// Writes packages/backend/bench/results/train-step-backends[-<out>].json.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { atomicWriteJson } from '@apdet/io';
import type { WorkerModel, WorkerResult } from './_train-step-backends-worker.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: 'webgpu,wasm,cpu' },
    models: { type: 'string', default: 'retinanet:retinanet-tiny,faster-rcnn:faster-rcnn-tiny' },
    batch: { type: 'string', default: '4' },
    iters: { type: 'string', default: '3' },
    loss: { type: 'string', default: 'param-ap' },
    out: { type: 'string' },
    'timeout-min': { type: 'string', default: '30' },
  },
});
const WORKER = fileURLToPath(new URL('./_train-step-backends-worker.ts', import.meta.url));
const OUT = fileURLToPath(
  new URL(`./results/train-step-backends${values.out ? `-${values.out}` : ''}.json`, import.meta.url),
);
const models: WorkerModel[] = values.models.split(',').map((s) => {
  const [detector, preset] = s.split(':');
  return { detector, preset };
});

const results: (WorkerResult | { backend: { name: string }; failed: string })[] = [];
for (const backend of values.backends.split(',')) {
  process.stderr.write(`running ${backend}…\n`);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', WORKER, backend, JSON.stringify(models), values.batch, values.iters, values.loss],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      timeout: Number(values['timeout-min']) * 60_000,
      env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? os.tmpdir() },
    },
  );
  const last = r.stdout?.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) {
    const why = (r.error?.message ?? r.stderr.trim().split('\n').slice(-3).join(' | ')).slice(0, 400);
    process.stderr.write(`  ${backend} failed: ${why}\n`);
    results.push({ backend: { name: backend }, failed: why });
    continue;
  }
  const result = JSON.parse(last) as WorkerResult;
  for (const e of result.errors) process.stderr.write(`  ${backend}: ${e}\n`);
  results.push(result);
}

const lines = [
  '| backend | adapter / threads | model | batch | first step ms | median ms/step | img/s |',
  '| --- | --- | --- | ---: | ---: | ---: | ---: |',
];
for (const res of results) {
  if ('failed' in res) {
    lines.push(`| ${res.backend.name} | failed: ${res.failed.slice(0, 80)} | | | | | |`);
    continue;
  }
  const b = res.backend;
  const where = b.adapter
    ? `${b.adapter.description || b.adapter.device}${b.adapter.software ? ' (software)' : ''}`
    : `${b.threads} thread(s)`;
  for (const r of res.rows) {
    lines.push(`| ${b.name} | ${where} | ${r.preset} | ${r.batch} | ${r.firstStepMs} | ${r.medianMs} | ${r.imgPerS} |`);
  }
}
console.log(lines.join('\n'));
await atomicWriteJson(OUT, {
  benchmark: 'train-step-backends',
  command: `pnpm exec tsx packages/backend/bench/train-step-backends.ts ${process.argv.slice(2).join(' ')}`.trim(),
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadavg1m: os.loadavg()[0],
  },
  note:
    'Wall-clock medians of the timed steps after one warm-up step (trainStep: forward, backward, SGD, one read), ' +
    `synthetic batch, loss ${values.loss}. On a shared machine read them as ranges; the ratios within one run are the meaningful part.`,
  models,
  results,
});
console.log(`\nwrote ${OUT}`);
