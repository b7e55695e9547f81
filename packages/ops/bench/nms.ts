/**
 * Batched (class-aware) and single-class NMS on 10,000 boxes.
 *
 *   pnpm exec tsx packages/ops/bench/nms.ts [--reps 7] [--backends cpu,wasm]
 *
 * The typed-array code is backend-independent (plain JS); the tensor entry points add one
 * `dataSync()` read, so they are timed on each tfjs backend. tf.image.nonMaxSuppression
 * (single class) is timed as a peer baseline. Writes packages/ops/bench/results/nms.json.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng } from '@apdet/rng';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { batchedNms, batchedNmsTyped, nms, nmsTyped } from '../src/index.js';
import { timeMs } from './_timing.js';

const N = 10_000;
const CLASSES = 80;

/** Detector-like boxes: 400 objects, each with ~25 jittered detections, random class/score. */
function scene() {
  const rng = Rng.from(2024);
  const boxes = new Float32Array(4 * N);
  const scores = new Float32Array(N);
  const classes = new Int32Array(N);
  const objects = Array.from({ length: 400 }, () => {
    const w = rng.uniform(16, 216),
      h = rng.uniform(16, 216);
    return { x: rng.uniform(0, 512 - w), y: rng.uniform(0, 512 - h), w, h, c: rng.int(0, CLASSES) };
  });
  for (let i = 0; i < N; i++) {
    const o = rng.pick(objects);
    const j = () => rng.uniform(0.9, 1.1);
    const x = o.x + o.w * rng.uniform(-0.075, 0.075),
      y = o.y + o.h * rng.uniform(-0.075, 0.075);
    boxes.set([x, y, x + o.w * j(), y + o.h * j()], 4 * i);
    scores[i] = rng.next();
    classes[i] = rng.chance(0.8) ? o.c : rng.int(0, CLASSES);
  }
  return { boxes, scores, classes };
}

async function main() {
  const { values } = parseArgs({
    options: { reps: { type: 'string', default: '7' }, backends: { type: 'string', default: 'cpu,wasm' } },
  });
  const reps = Number(values.reps);
  const { boxes, scores, classes } = scene();
  const rows: { case: string; backend: string; median_ms: number; min_ms: number; kept: number }[] = [];
  const add = (name: string, backend: string, t: ReturnType<typeof timeMs>) =>
    rows.push({
      case: name,
      backend,
      median_ms: +t.median.toFixed(3),
      min_ms: +t.min.toFixed(3),
      kept: (t.result as ArrayLike<number>).length,
    });

  add(
    'batchedNmsTyped iou 0.5',
    'js (any)',
    timeMs(() => batchedNmsTyped(boxes, scores, classes, 0.5), reps),
  );
  add(
    'nmsTyped (single class) iou 0.5',
    'js (any)',
    timeMs(() => nmsTyped(boxes, scores, 0.5), reps),
  );
  add(
    'nmsTyped (single class) iou 0.7',
    'js (any)',
    timeMs(() => nmsTyped(boxes, scores, 0.7), reps),
  );
  for (const backend of values.backends.split(',')) {
    await tf.setBackend(backend);
    const tb = tf.tensor2d(boxes, [N, 4]);
    const ts = tf.tensor1d(scores);
    const tc = tf.tensor1d(classes, 'int32');
    add(
      'batchedNms (tensor) iou 0.5',
      backend,
      timeMs(() => batchedNms(tb, ts, tc, 0.5), reps),
    );
    add(
      'nms (tensor) iou 0.5',
      backend,
      timeMs(() => nms(tb, ts, 0.5), reps),
    );
    // tfjs wants [y1, x1, y2, x2]; same geometry, so the same work.
    const yx = tf.tidy(() => tf.gather(tb, [1, 0, 3, 2], 1));
    add(
      'peer: tf.image.nonMaxSuppression iou 0.5',
      backend,
      timeMs(() => tf.tidy(() => Array.from(tf.image.nonMaxSuppression(yx, ts, N, 0.5).dataSync())), reps),
    );
    tf.dispose([tb, ts, tc, yx]);
  }
  console.table(rows);
  const out = fileURLToPath(new URL('./results/nms.json', import.meta.url));
  const payload = {
    benchmark: 'nms',
    boxes: N,
    classes: CLASSES,
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
