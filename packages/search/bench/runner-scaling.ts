/**
 * Parallel efficiency of the local runner: one round of 8 CPU-bound jobs (a fixed amount of
 * arithmetic each, calibrated at start to take ~2 s on one idle core) with 1 worker process,
 * then 2. The target is time(2 workers) / time(1) ≤ 0.6.
 *
 *   pnpm exec tsx packages/search/bench/runner-scaling.ts [--jobs 8] [--job-ms 2000] [--reps 2]
 *
 * Worker processes are started (and warmed with one tiny job each) before the clock starts: a
 * search keeps them for all its rounds, so their start-up is not part of a round's time.
 * As a control, the same work is also run by 1 and 2 bare Node processes (bare-busy.mjs, no
 * runner, no IPC): the bare ratio is what the machine itself allows right now, so on a machine
 * shared with other work, runner ratio ÷ bare ratio isolates the runner's own overhead.
 * Writes bench/results/runner-scaling.json, with the machine's load average before and after.
 */
import { execSync, spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { atomicWriteJson } from '@apdet/io';
import type { ProxyJob } from '../src/contract.js';
import { createLocalRunner } from '../src/runners/index.js';
import { calibrateBlocks } from './busy-work.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '8' },
    'job-ms': { type: 'string', default: '2000' },
    reps: { type: 'string', default: '2' },
  },
});
const jobCount = Number(values.jobs);
const jobMs = Number(values['job-ms']);
const reps = Number(values.reps);
const taskModule = { path: fileURLToPath(new URL('./busy-task.ts', import.meta.url)) };
const resultsFile = fileURLToPath(new URL('./results/runner-scaling.json', import.meta.url));

function round(count: number, blocks: number, prefix: string): ProxyJob[] {
  return Array.from({ length: count }, (_, sample) => ({
    key: `${prefix}-s${sample}`,
    round: 0,
    sample,
    theta: [0.5],
    seed: sample,
    lossParams: {},
    task: { blocks },
  }));
}

interface RoundTiming {
  workers: number;
  /** Wall time of the whole round. */
  seconds: number;
  /** Mean wall time of one job inside its worker: grows when the job has to share a core. */
  meanJobSeconds: number;
}

async function timeRound(workers: number): Promise<RoundTiming> {
  const runner = createLocalRunner({ workers, taskModule });
  try {
    await runner.run(round(workers, 1, 'warmup'), async () => undefined);
    const jobSeconds: number[] = [];
    const started = performance.now();
    await runner.run(round(jobCount, blocks, 'r0'), async (o) => void jobSeconds.push(o.seconds));
    const seconds = (performance.now() - started) / 1000;
    return { workers, seconds, meanJobSeconds: jobSeconds.reduce((a, b) => a + b, 0) / jobSeconds.length };
  } finally {
    await runner.close();
  }
}

/** Wall time of `processes` bare Node processes sharing the round's jobs (the control). */
async function timeBare(processes: number): Promise<number> {
  const script = fileURLToPath(new URL('./bare-busy.mjs', import.meta.url));
  const started = performance.now();
  await Promise.all(
    Array.from({ length: processes }, (_, i) => {
      const jobs = Math.floor(jobCount / processes) + (i < jobCount % processes ? 1 : 0);
      const child = spawn(process.execPath, [script, String(blocks), String(jobs)], { stdio: 'inherit' });
      return new Promise<void>((resolve, reject) =>
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bare-busy.mjs exited with ${code}`)))),
      );
    }),
  );
  return (performance.now() - started) / 1000;
}

const uptime = () => execSync('uptime').toString().trim();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const loadBefore = uptime();
const blocks = calibrateBlocks(jobMs);
// Alternate the four measurements, rep after rep, so a change in the machine's load hits them
// alike instead of all of one kind; report medians.
const runner1: RoundTiming[] = [];
const runner2: RoundTiming[] = [];
const bare1: number[] = [];
const bare2: number[] = [];
for (let rep = 0; rep < reps; rep++) {
  runner1.push(await timeRound(1));
  runner2.push(await timeRound(2));
  bare1.push(await timeBare(1));
  bare2.push(await timeBare(2));
}
const loadAfter = uptime();
const summary = (timings: RoundTiming[]) => ({
  workers: timings[0].workers,
  seconds: median(timings.map((t) => t.seconds)),
  meanJobSeconds: median(timings.map((t) => t.meanJobSeconds)),
  allSeconds: timings.map((t) => t.seconds),
});
const results = [summary(runner1), summary(runner2)];
const ratio = results[1].seconds / results[0].seconds;
const bare = [
  { processes: 1, seconds: median(bare1), allSeconds: bare1 },
  { processes: 2, seconds: median(bare2), allSeconds: bare2 },
];
const bareRatio = bare[1].seconds / bare[0].seconds;

console.log(
  `local runner, ${jobCount} jobs × ${blocks} work blocks (~${jobMs} ms each on one core), ${os.cpus().length} CPUs, median of ${reps}`,
);
console.log(
  '| workers | round time (s) | ratio to 1 worker | mean job time (s) | bare processes, same work (s) | bare ratio |',
);
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [i, r] of results.entries()) {
  const cells = [
    r.workers,
    r.seconds.toFixed(2),
    (r.seconds / results[0].seconds).toFixed(3),
    r.meanJobSeconds.toFixed(2),
    bare[i].seconds.toFixed(2),
    (bare[i].seconds / bare[0].seconds).toFixed(3),
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
console.log(
  `target ≤ 0.6: ${ratio <= 0.6 ? 'met' : 'NOT met'}; runner ratio ÷ bare ratio: ${(ratio / bareRatio).toFixed(3)}`,
);
console.log(`load before: ${loadBefore}; after: ${loadAfter}`);

await atomicWriteJson(resultsFile, {
  benchmark: 'runner-scaling',
  command: `pnpm exec tsx packages/search/bench/runner-scaling.ts --jobs ${jobCount} --job-ms ${jobMs} --reps ${reps}`,
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
  workload: {
    jobs: jobCount,
    blocksPerJob: blocks,
    calibratedMsPerJob: jobMs,
    kind: 'fixed CPU work per job (bench/busy-work.ts), in local-runner worker processes',
  },
  reps,
  results,
  ratio2to1: ratio,
  bareControl: { results: bare, ratio2to1: bareRatio },
  runnerRatioOverBareRatio: ratio / bareRatio,
  target: 0.6,
  targetMet: ratio <= 0.6,
  loadBefore,
  loadAfter,
  note: 'Timed on a shared 2-core machine while other work ran (see the load averages); the bare-process control shows what the machine allowed at the time.',
});
