// Cost of the search's own work per round, next to a proxy training (about a minute):
// drawing θ, the PPO update (100 inner steps, analytic gradient), and one state.json write
// holding a 40-round history. Run: pnpm exec tsx packages/search/bench/policy-update.ts
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drawThetas } from '../src/policy.js';
import { ppoUpdate } from '../src/ppo.js';
import { Rng } from '@apdet/rng';
import { FASTER_RCNN_SPACE, RETINANET_SPACE, initialMu, spaceDims, type SearchSpace } from '../src/search-space.js';
import { saveSearchState, stateFile, type SearchState } from '../src/state.js';
import { logit } from '../src/truncated-normal.js';

function median(fn: () => void, reps: number): number {
  fn();
  const times = Array.from({ length: reps }, () => {
    const t0 = performance.now();
    fn();
    return performance.now() - t0;
  }).sort((a, b) => a - b);
  return times[Math.floor(reps / 2)];
}

async function medianAsync(fn: () => Promise<void>, reps: number): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(reps / 2)];
}

/** A state with a full 40-round × 8-sample history, as written after the last outcome of a search. */
function fullState(space: SearchSpace, muX: number[], thetas: number[][]): SearchState {
  const dims = muX.length;
  const record = {
    round: 0,
    sigma: new Array(dims).fill(0.2),
    sigmaNext: new Array(dims).fill(0.195),
    muBefore: muX,
    muAfter: muX,
    thetas,
    seeds: thetas.map((_, i) => i),
    samples: thetas.map(() => ({ reward: 0.31234, failed: false, seconds: 61.2, worker: 'local-1', attempt: 1 })),
    rewards: { mean: 0.3, std: 0.01, min: 0.29, max: 0.31 },
    failed: 0,
    trainSeconds: 480,
    wallSeconds: 250,
    ppo: { objectiveFirst: 0, objectiveLast: 0.001, skippedSteps: 0 },
  };
  return {
    format: 'apdet-search-state',
    version: 1,
    settings: {
      space,
      rounds: 40,
      samples: 8,
      seed: 42,
      sigma0: 0.2,
      muInit: initialMu(space),
      ppo: { steps: 100, lr: 0.01, warmupSteps: 30, clipEps: 0.1, beta1: 0.9, beta2: 0.999, adamEps: 1e-8 },
    },
    task: {},
    round: 40,
    muX,
    mu: muX,
    sigma: new Array(dims).fill(0.005),
    rng: [1, 2, 3, 4],
    current: null,
    history: Array.from({ length: 40 }, (_, round) => ({ ...record, round })),
    completed: true,
    createdAt: '',
    updatedAt: '',
  };
}

const rows = [];
const dir = mkdtempSync(path.join(tmpdir(), 'apdet-search-bench-'));
for (const space of [RETINANET_SPACE, FASTER_RCNN_SPACE]) {
  const dims = spaceDims(space);
  const muX = initialMu(space).map(logit);
  const sigma = new Array(dims).fill(0.2);
  const rng = Rng.from(1);
  const thetas = drawThetas(muX, sigma, 8, rng);
  const rewards = thetas.map(() => rng.next());
  const drawMs = median(() => void drawThetas(muX, sigma, 8, rng), 20);
  const updateMs = median(
    () => void ppoUpdate(muX, { thetas, rewards, sigmaOld: sigma, sigmaNew: sigma.map((s) => s * 0.975) }),
    10,
  );
  const state = fullState(space, muX, thetas);
  const writeMs = await medianAsync(() => saveSearchState(dir, state), 10);
  const stateKiB = statSync(stateFile(dir)).size / 1024;
  rows.push({ space: space.name, dims, samples: 8, drawMs, ppoUpdateMs: updateMs, stateWriteMs: writeMs, stateKiB });
}
rmSync(dir, { recursive: true, force: true });

console.log(
  '| space | dims | draw 8 θ (ms) | PPO update, 100 steps (ms) | state.json write, 40-round history (ms) | state.json size (KiB) |',
);
console.log('|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.space} | ${r.dims} | ${r.drawMs.toFixed(2)} | ${r.ppoUpdateMs.toFixed(1)} | ${r.stateWriteMs.toFixed(1)} | ${r.stateKiB.toFixed(0)} |`,
  );
const out = fileURLToPath(new URL('./results/policy-update.json', import.meta.url));
await writeFile(
  out,
  `${JSON.stringify({ bench: 'policy-update', node: process.version, note: 'medians; taken on a shared 2-core machine under load from other jobs', date: new Date().toISOString(), rows }, null, 2)}\n`,
);
console.log(`wrote ${out}`);
