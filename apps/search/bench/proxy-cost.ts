/**
 * The cost and the signal of ONE default proxy training: wall and CPU seconds (training +
 * evaluation, wasm, 1 thread, in this process) and the reward of the search's starting point
 * (`param-ap:linear`, θ = initial μ), which must be above 0 or the search has nothing to follow.
 *
 *   pnpm exec tsx apps/search/bench/proxy-cost.ts [--runs 2] [--proxy-images 1600] [--proxy-epochs 1]
 *
 * CPU seconds are the number to size the proxy with on a shared machine: wall time stretches
 * with other processes' load, CPU time much less.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SHAPES_DIR } from '@apdet/data';
import { detectorSpec } from '@apdet/train';
import { DEFAULT_PROXY } from '../src/proxy-defaults.js';
import { ensureProxySplit, proxySplitSpec } from '../src/proxy-data.js';
import { runProxyJob, type ProxyTaskSettings } from '../src/proxy-task.js';
import { linearProxyJob, machineLoad, writeResult } from './_common.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    'proxy-images': { type: 'string' },
    'proxy-epochs': { type: 'string' },
    seed: { type: 'string' },
  },
});
const runs = Number(values.runs ?? 2);
const task: ProxyTaskSettings = {
  detector: 'retinanet',
  split: proxySplitSpec(DEFAULT_SHAPES_DIR, true, Number(values.seed ?? 42)),
  trainImages: Number(values['proxy-images'] ?? DEFAULT_PROXY.trainImages),
  valImages: DEFAULT_PROXY.valImages,
  epochs: Number(values['proxy-epochs'] ?? DEFAULT_PROXY.epochs),
  config: detectorSpec('retinanet').search.proxyConfig,
  backend: 'wasm',
};
await ensureProxySplit(task.split, (l) => console.log(l));
const loadBefore = machineLoad();
const rows = [];
for (let i = 0; i < runs; i++) {
  const cpu = process.cpuUsage();
  const outcome = await runProxyJob(linearProxyJob(task, `bench-s${i}`, i), () => {});
  const used = process.cpuUsage(cpu);
  rows.push({
    seed: i,
    reward: outcome.reward,
    failed: outcome.failed,
    wallSeconds: Number(outcome.seconds.toFixed(1)),
    cpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(1)),
  });
  console.log(
    `run ${i + 1}/${runs}: reward (AP) ${outcome.reward.toFixed(4)}, wall ${outcome.seconds.toFixed(1)} s, CPU ${((used.user + used.system) / 1e6).toFixed(1)} s${outcome.failed ? ` FAILED: ${outcome.reason}` : ''}`,
  );
}
const loadAfter = machineLoad();
console.log('\n| seed | reward (AP) | wall s | CPU s |\n|---|---|---|---|');
for (const r of rows) console.log(`| ${r.seed} | ${r.reward.toFixed(4)} | ${r.wallSeconds} | ${r.cpuSeconds} |`);
console.log(
  `\nmachine: ${loadBefore.cores} cores, load average ${loadBefore.loadavg1} before / ${loadAfter.loadavg1} after`,
);
const file = await writeResult('proxy-cost', {
  bench: 'proxy-cost',
  note: "one default proxy training (train + eval, wasm, 1 thread) of param-ap with the search's starting θ (linear); CPU s = user + system of this process",
  task: { trainImages: task.trainImages, valImages: task.valImages, epochs: task.epochs, config: task.config },
  loadBefore,
  loadAfter,
  sharedMachine: loadBefore.loadavg1 > loadBefore.cores * 0.5 || loadAfter.loadavg1 > loadAfter.cores * 0.5,
  runs: rows,
  date: new Date().toISOString(),
  node: process.version,
});
console.log(`results: ${file}`);
