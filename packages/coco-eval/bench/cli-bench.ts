/**
 * Times the WHOLE `apdet-eval` process (node + tsx start-up, JSON load, evaluate, accumulate,
 * summarize, printing) on the 500-image oracle scenario and on a generated COCO-val-sized
 * case (5,000 images × 80 categories × 100 detections, seeded), next to pycocotools' timings.
 *
 *   pnpm exec tsx packages/coco-eval/bench/cli-bench.ts [runs=3]
 *
 * Writes packages/coco-eval/bench/results/cli-bench.json and prints a table.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSynthetic } from './generate.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const BIN = path.join(root, 'apps/eval/bin/apdet-eval.mjs');
const runs = Number(process.argv[2] ?? 3);

interface PycocotoolsTiming {
  loadS: number;
  evaluateS: number;
  accumulateS: number;
  totalS: number;
  source: string;
}

interface Case {
  name: string;
  gt: string;
  dt: string;
  pycocotools: PycocotoolsTiming;
}

function p14Case(): Case {
  const dir = path.join(here, '../test/fixtures/p14_realistic_500');
  const t = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')).timing;
  return {
    name: 'p14_realistic_500 (500 img, 25k det)',
    gt: path.join(dir, 'gt.json'),
    dt: path.join(dir, 'dt.json'),
    pycocotools: {
      loadS: t.index_and_loadRes_s,
      evaluateS: t.evaluate_s,
      accumulateS: t.accumulate_s,
      totalS: t.index_and_loadRes_s + t.eval_accumulate_summarize_s,
      source: 'test/fixtures/p14_realistic_500/expected.json timing (same machine type)',
    },
  };
}

function cocoValCase(): Case {
  const dir = path.join(tmpdir(), 'apdet-coco-eval-bench', 'coco5k');
  const files = { gt: path.join(dir, 'gt.json'), dt: path.join(dir, 'dt.json') };
  if (!existsSync(files.gt) || !existsSync(files.dt)) writeSynthetic(dir);
  return {
    name: 'synthetic COCO-val size (5k img, 500k det)',
    ...files,
    // pycocotools on the oracle's kept-back 5,000-image scenario (36,436 GT, 500,000 detections,
    // 80 categories): packages/coco-eval/README.md, "Benchmark".
    pycocotools: {
      loadS: 3.75,
      evaluateS: 60.6,
      accumulateS: 19.6,
      totalS: 3.75 + 80.2,
      source: 'shared/oracle/peers.md (kept-back 5,000-image scenario)',
    },
  };
}

interface RunResult {
  wallS: number;
  loadS: number;
  evaluateS: number;
  accumulateS: number;
  summarizeS: number;
  cpuS: number;
  maxRssMiB: number;
}

function runOnce(c: Case, timingFile: string): RunResult {
  const start = performance.now();
  const child = spawnSync(process.execPath, [BIN, '--gt', c.gt, '--dt', c.dt, '--timing-json', timingFile], {
    encoding: 'utf8',
  });
  const wallS = (performance.now() - start) / 1000;
  if (child.status !== 0) throw new Error(`apdet-eval failed on ${c.name}:\n${child.stderr}`);
  const t = JSON.parse(readFileSync(timingFile, 'utf8'));
  return {
    wallS,
    loadS: t.loadS,
    evaluateS: t.evaluateS,
    accumulateS: t.accumulateS,
    summarizeS: t.summarizeS,
    cpuS: t.cpuS,
    maxRssMiB: t.maxRssMiB,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  const timingFile = path.join(tmpdir(), `apdet-coco-eval-bench-${process.pid}.json`);
  const loadBefore = loadavg()[0];
  const cases = [p14Case(), cocoValCase()].map((c) => {
    const all = Array.from({ length: runs }, () => runOnce(c, timingFile));
    const med = (k: keyof RunResult) => median(all.map((r) => r[k]));
    const wallS = med('wallS');
    return {
      name: c.name,
      runs: all,
      median: {
        wallS,
        loadS: med('loadS'),
        evaluateS: med('evaluateS'),
        accumulateS: med('accumulateS'),
        summarizeS: med('summarizeS'),
        cpuS: med('cpuS'),
        maxRssMiB: med('maxRssMiB'),
      },
      pycocotools: c.pycocotools,
      speedupWholeProcess: c.pycocotools.totalS / wallS,
    };
  });
  const report = {
    command: 'pnpm exec tsx packages/coco-eval/bench/cli-bench.ts',
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      node: process.version,
      loadavg1Before: loadBefore,
      loadavg1After: loadavg()[0],
    },
    note: 'Whole-process wall time of apdet-eval (median of runs). Taken on a shared 2-core machine with other jobs running; pycocotools numbers are from the oracle (same machine type, full core).',
    cases,
  };
  mkdirSync(path.join(here, 'results'), { recursive: true });
  writeFileSync(path.join(here, 'results', 'cli-bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  printTable(cases);
}

function printTable(
  cases: { name: string; median: RunResult; pycocotools: PycocotoolsTiming; speedupWholeProcess: number }[],
): void {
  const f = (v: number) => v.toFixed(2).padStart(7);
  console.log(
    `| case | process wall (s) | process CPU (s) | load | evaluate | accumulate | summarize | peak RSS (MiB) | pycocotools total (load / eval / acc) | speed-up (wall) |`,
  );
  console.log(`| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
  for (const c of cases) {
    const m = c.median;
    const p = c.pycocotools;
    console.log(
      `| ${c.name} | ${f(m.wallS)} | ${f(m.cpuS)} | ${f(m.loadS)} | ${f(m.evaluateS)} | ${f(m.accumulateS)} | ${f(m.summarizeS)} | ${m.maxRssMiB.toFixed(0)} | ${p.totalS.toFixed(1)} (${p.loadS.toFixed(2)} / ${p.evaluateS.toFixed(1)} / ${p.accumulateS.toFixed(1)}) | ${c.speedupWholeProcess.toFixed(1)}× |`,
    );
  }
}

main();
