/**
 * Parallel efficiency of the local runner: one search round of 8 real proxy trainings (θ drawn
 * from the starting policy, small proxy size) with 1 and then 2 worker processes. Acceptance
 * (issue [G]): 2 workers take ≤ 0.6× the time of 1.
 *
 *   pnpm exec tsx apps/search/bench/parallel-round.ts [--samples 8] [--proxy-images 160] [--workers 1,2]
 *
 * Wall times only mean something when the cores are otherwise idle: the machine's load average
 * is recorded before and after, and a warning is printed when other processes competed.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SHAPES_DIR, Rng } from '@apdet/data';
import {
  createLocalRunner,
  drawThetas,
  initialMu,
  logit,
  RETINANET_SPACE,
  thetaToLossParams,
  type ProxyJob,
  type ProxyOutcome,
} from '@apdet/search';
import { detectorSpec } from '@apdet/train';
import { ensureProxySplit, proxySplitSpec } from '../src/proxy-data.js';
import type { ProxyTaskSettings } from '../src/proxy-task.js';
import { PROXY_TASK_MODULE } from '../src/search-command.js';
import { machineLoad, writeResult } from './_common.js';

const { values } = parseArgs({
  options: {
    samples: { type: 'string' },
    'proxy-images': { type: 'string' },
    'val-images': { type: 'string' },
    workers: { type: 'string' },
  },
});
const samples = Number(values.samples ?? 8);
const workerCounts = (values.workers ?? '1,2').split(',').map(Number);
const task: ProxyTaskSettings = {
  detector: 'retinanet',
  split: proxySplitSpec(DEFAULT_SHAPES_DIR, true, 42),
  trainImages: Number(values['proxy-images'] ?? 160),
  valImages: Number(values['val-images'] ?? 50),
  epochs: 1,
  config: detectorSpec('retinanet').search.proxyConfig,
  backend: 'wasm',
};
await ensureProxySplit(task.split, (l) => console.log(l));

const muX = initialMu(RETINANET_SPACE).map(logit);
const thetas = drawThetas(
  muX,
  muX.map(() => 0.2),
  samples,
  Rng.from(42),
);
const jobs: ProxyJob[] = thetas.map((theta, n) => ({
  key: `r0-s${n}`,
  round: 0,
  sample: n,
  theta,
  seed: n,
  lossParams: thetaToLossParams(RETINANET_SPACE, theta) as unknown as Record<string, unknown>,
  task: task,
}));

interface Row {
  workers: number;
  wallSeconds: number;
  sumJobSeconds: number;
  rewards: number[];
  loadBefore: ReturnType<typeof machineLoad>;
  loadAfter: ReturnType<typeof machineLoad>;
}
const rows: Row[] = [];
for (const workers of workerCounts) {
  const runner = createLocalRunner({ taskModule: { path: PROXY_TASK_MODULE }, workers });
  const outcomes: ProxyOutcome[] = [];
  const loadBefore = machineLoad();
  const start = performance.now();
  try {
    await runner.run(jobs, async (o) => {
      outcomes.push(o);
    });
  } finally {
    await runner.close();
  }
  const wallSeconds = (performance.now() - start) / 1000;
  const byKey = new Map(outcomes.map((o) => [o.key, o]));
  rows.push({
    workers,
    wallSeconds: Number(wallSeconds.toFixed(1)),
    sumJobSeconds: Number(outcomes.reduce((s, o) => s + o.seconds, 0).toFixed(1)),
    rewards: jobs.map((j) => Number((byKey.get(j.key)?.reward ?? Number.NaN).toFixed(5))),
    loadBefore,
    loadAfter: machineLoad(),
  });
  console.log(
    `${workers} worker(s): ${wallSeconds.toFixed(1)} s for ${samples} proxy trainings (load ${loadBefore.loadavg1} → ${machineLoad().loadavg1})`,
  );
}

const base = rows[0];
console.log(
  '\n| workers | round wall s | × of 1 worker | Σ job s | load avg (1 min) before/after |\n|---|---|---|---|---|',
);
for (const r of rows)
  console.log(
    `| ${r.workers} | ${r.wallSeconds} | ${(r.wallSeconds / base.wallSeconds).toFixed(2)} | ${r.sumJobSeconds} | ${r.loadBefore.loadavg1} / ${r.loadAfter.loadavg1} |`,
  );
const sameRewards = rows.every((r) => r.rewards.every((v, i) => v === base.rewards[i]));
console.log(`\nsame rewards with every worker count: ${sameRewards}`);
const cores = base.loadBefore.cores;
const contended = rows.some((r) => Math.max(r.loadBefore.loadavg1, r.loadAfter.loadavg1) > cores + 0.5);
if (contended)
  console.log(
    `WARNING: the load average exceeded the ${cores} cores plus this bench's own workers: other processes competed, so the ratio is distorted.`,
  );
const file = await writeResult('parallel-round', {
  bench: 'parallel-round',
  task: { trainImages: task.trainImages, valImages: task.valImages, epochs: task.epochs, config: task.config },
  samples,
  rows,
  ratio2to1: rows.length > 1 ? Number((rows[1].wallSeconds / base.wallSeconds).toFixed(3)) : null,
  sameRewards,
  contended,
  date: new Date().toISOString(),
  node: process.version,
});
console.log(`results: ${file}`);
