/**
 * Linear sum assignment at DETR size: 300 queries × 100 GTs (plus 300 × 20, a typical COCO
 * image, and 100 × 100 square), and the full DETR matcher (cost matrix + assignment).
 *
 *   pnpm exec tsx packages/ops/bench/lsa.ts [--reps 9]
 *
 * The assignment is plain JS on number[][] — backend-independent. For the DETR loss side, the
 * differentiable tensor GIoU (300 × 100, forward + backward) is timed on each tfjs backend.
 * Writes packages/ops/bench/results/lsa.json.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng } from '@apdet/rng';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { convertBoxesTensor, detrMatch, generalizedBoxIou, linearSumAssignment } from '../src/index.js';
import { timeMs } from './_timing.js';

function uniformCost(r: number, c: number, seed: number): number[][] {
  const rng = Rng.from(seed);
  return Array.from({ length: r }, () => Array.from({ length: c }, () => rng.next()));
}

/** DETR-like inputs: 91 classes, boxes normalised cxcywh. */
function detrInputs(q: number, g: number, seed: number) {
  const rng = Rng.from(seed);
  const box = () => [rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9), rng.uniform(0.02, 0.32), rng.uniform(0.02, 0.32)];
  return {
    logits: Array.from({ length: q * 91 }, () => rng.uniform(-5, -1)),
    numClasses: 91,
    predBoxes: Array.from({ length: q }, box).flat(),
    gtLabels: Array.from({ length: g }, () => rng.int(0, 91)),
    gtBoxes: Array.from({ length: g }, box).flat(),
  };
}

async function main() {
  const { values } = parseArgs({
    options: { reps: { type: 'string', default: '9' }, backends: { type: 'string', default: 'cpu,wasm' } },
  });
  const reps = Number(values.reps);
  const rows: { case: string; backend: string; median_ms: number; min_ms: number }[] = [];
  const add = (name: string, t: { median: number; min: number }, backend = 'js (any)') =>
    rows.push({ case: name, backend, median_ms: +t.median.toFixed(3), min_ms: +t.min.toFixed(3) });
  for (const [r, c] of [
    [300, 100],
    [100, 300],
    [300, 20],
    [100, 100],
  ]) {
    const cost = uniformCost(r, c, r * 1000 + c);
    add(
      `linearSumAssignment ${r}×${c} uniform[0,1)`,
      timeMs(() => linearSumAssignment(cost), reps),
    );
  }
  const intCost = uniformCost(300, 100, 7).map((row) => row.map((v) => Math.floor(v * 10)));
  add(
    'linearSumAssignment 300×100 integer 0…9 (many ties)',
    timeMs(() => linearSumAssignment(intCost), reps),
  );
  const inputs = detrInputs(300, 100, 11);
  add(
    'detrMatch 300 queries × 100 GTs × 91 classes (cost + LSA)',
    timeMs(() => detrMatch(inputs), reps),
  );
  for (const backend of values.backends.split(',')) {
    await tf.setBackend(backend);
    const pred = tf.tensor2d(Float32Array.from(inputs.predBoxes), [300, 4]);
    const gt = convertBoxesTensor(tf.tensor2d(Float32Array.from(inputs.gtBoxes), [100, 4]), 'cxcywh', 'xyxy');
    const step = () =>
      tf.tidy(() => {
        const g = tf.grad((p: tf.Tensor) =>
          generalizedBoxIou(convertBoxesTensor(p as tf.Tensor2D, 'cxcywh', 'xyxy'), gt).sum(),
        )(pred);
        return g.dataSync();
      });
    add('generalizedBoxIou 300×100 forward+backward (tensor)', timeMs(step, reps), backend);
    tf.dispose([pred, gt]);
  }
  console.table(rows);
  const out = fileURLToPath(new URL('./results/lsa.json', import.meta.url));
  const payload = {
    benchmark: 'lsa',
    reps,
    rows,
    environment: {
      node: process.version,
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model,
      loadavg_1m_at_end: loadavg()[0],
      note: 'shared, loaded 2-core machine (several helpers running); compare ratios, not absolute values',
    },
  };
  writeFileSync(`${out}.tmp`, JSON.stringify(payload, null, 2) + '\n');
  renameSync(`${out}.tmp`, out);
  console.log(`wrote ${out}`);
}

await main();
