// Benchmark: conv2d forward, input gradient (dX) and filter gradient (dW), our forward-conv
// formulation vs the stock tfjs kernels, on wasm (1 and 2 threads) and cpu.
//
//   pnpm exec tsx packages/backend/bench/conv-grad.ts            # all configurations
//   pnpm exec tsx packages/backend/bench/conv-grad.ts --quick    # smaller cases, 1 rep
//   pnpm exec tsx packages/backend/bench/conv-grad.ts --only wasm
//
// Writes packages/backend/bench/results/conv-grad.json.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { atomicWriteJson } from '@apdet/io';
import type { BenchCase, BenchRow } from './_conv-grad-worker.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const quick = values.quick ?? false;
const WORKER = fileURLToPath(new URL('./_conv-grad-worker.ts', import.meta.url));
const OUT = fileURLToPath(new URL('./results/conv-grad.json', import.meta.url));

const CASES: BenchCase[] = quick
  ? [
      { name: '2x32x32x32->32 3x3 s1', x: [2, 32, 32, 32], filter: [3, 3, 32, 32], stride: 1 },
      { name: '2x32x32x32->64 3x3 s2', x: [2, 32, 32, 32], filter: [3, 3, 32, 64], stride: 2 },
    ]
  : [
      { name: '2x128x128x64->64 3x3 s1', x: [2, 128, 128, 64], filter: [3, 3, 64, 64], stride: 1 },
      { name: '2x128x128x64->128 3x3 s2', x: [2, 128, 128, 64], filter: [3, 3, 64, 128], stride: 2 },
      { name: '2x128x128x64->128 1x1 s2', x: [2, 128, 128, 64], filter: [1, 1, 64, 128], stride: 2 },
    ];
// cpu's stock Conv2DBackpropFilter runs at ~0.01 GFLOP/s: time it on a reduced case only.
const STOCK_DW_CASE: BenchCase = {
  name: '2x32x32x64->64 3x3 s1 (stock dW size)',
  x: [2, 32, 32, 64],
  filter: [3, 3, 64, 64],
  stride: 1,
};

const CONFIGS = [
  { backend: 'wasm', threads: 1, reps: quick ? 1 : 3, stockDw: null },
  { backend: 'wasm', threads: 2, reps: quick ? 1 : 3, stockDw: null },
  { backend: 'cpu', threads: 1, reps: 1, stockDw: quick ? null : STOCK_DW_CASE },
].filter((c) => values.only === undefined || `${c.backend}${c.threads}`.startsWith(values.only));

const results: { label: string; threads: number; rows: BenchRow[] }[] = [];
for (const c of CONFIGS) {
  process.stderr.write(`running ${c.backend} ${c.threads} thread(s)…\n`);
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      WORKER,
      c.backend,
      String(c.threads),
      String(c.reps),
      JSON.stringify(CASES),
      JSON.stringify(c.stockDw),
    ],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  if (r.status !== 0) {
    process.stderr.write(`  failed: ${r.stderr.split('\n').slice(-5).join('\n')}\n`);
    continue;
  }
  results.push(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}'));
}

const fmt = (v: number | null, d: number) => (v == null ? '—' : v.toFixed(d));
const header = ['backend', 'case', 'op', 'impl', 'GFLOP', 'ms', 'GFLOP/s', 'note'];
const lines = [header.join(' | '), header.map(() => '---').join(' | ')];
for (const res of results) {
  for (const r of res.rows)
    lines.push(
      [r.backend, r.case, r.op, r.impl, fmt(r.gflop, 3), fmt(r.ms, 0), fmt(r.gflops, 2), r.note ?? ''].join(' | '),
    );
}
console.log(lines.join('\n'));
await atomicWriteJson(OUT, {
  benchmark: 'conv-grad',
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavg1m: os.loadavg()[0] },
  note: 'Wall-clock medians on a shared machine (other jobs running); read as ranges (±30 % or more). GFLOP counts the true conv FLOPs (2·N·OH·OW·KH·KW·Ci·Co), not the zeros our stride-2 dX multiplies.',
  quick,
  results,
});
console.log(`\nwrote ${OUT}`);
