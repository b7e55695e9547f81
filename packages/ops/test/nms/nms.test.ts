import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@apdet/rng';
import { batchedNms, batchedNmsTyped, boxIouTyped, nms, nmsTyped } from '../../src/index.js';
import { BACKENDS, loadCase, useBackend } from '../boxes/helpers.js';

const NMS_CASES = [
  'nms_exact_threshold_05',
  'nms_exact_threshold_07',
  'nms_random_clusters_05',
  'nms_random_clusters_07',
  'nms_score_ties_05',
  'nms_score_ties_07',
];

describe.each(BACKENDS)('NMS vs torchvision oracle (%s tensors)', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(NMS_CASES)('%s: kept indices exactly', (name) => {
    const c = loadCase(name);
    const { boxes, scores } = c.inputs;
    const keep = tf.tidy(() =>
      nms(tf.tensor2d(boxes.data, boxes.shape as [number, number]), tf.tensor1d(scores.data), c.params.iou_threshold),
    );
    expect(keep).toEqual(c.outputs.keep);
  });

  it('batched_nms_15: kept indices exactly', () => {
    const c = loadCase('batched_nms_15');
    const { boxes, scores, idxs } = c.inputs;
    const keep = tf.tidy(() =>
      batchedNms(
        tf.tensor2d(boxes.data, boxes.shape as [number, number]),
        tf.tensor1d(scores.data),
        tf.tensor1d(idxs.data, 'int32'),
        c.params.iou_threshold,
      ),
    );
    expect(keep).toEqual(c.outputs.keep);
  });
});

describe('typed-array NMS vs oracle, float32 and float64 inputs', () => {
  it.each(NMS_CASES)('%s', (name) => {
    const c = loadCase(name);
    const { boxes, scores } = c.inputs;
    expect(nmsTyped(Float32Array.from(boxes.data), scores.data, c.params.iou_threshold)).toEqual(c.outputs.keep);
    expect(nmsTyped(Float64Array.from(boxes.data), scores.data, c.params.iou_threshold)).toEqual(c.outputs.keep);
  });
  it('batched_nms_15', () => {
    const c = loadCase('batched_nms_15');
    const { boxes, scores, idxs } = c.inputs;
    expect(batchedNmsTyped(Float32Array.from(boxes.data), scores.data, idxs.data, c.params.iou_threshold)).toEqual(
      c.outputs.keep,
    );
  });
});

/** Independent reference: repeatedly take the best remaining box (lowest index on ties). */
function referenceNms(boxes: Float64Array, scores: number[], thr: number, iou = boxIouTyped(boxes, boxes)): number[] {
  const n = scores.length;
  const alive = new Set(Array.from({ length: n }, (_, i) => i));
  const keep: number[] = [];
  while (alive.size > 0) {
    let best = -1;
    for (const i of alive)
      if (best < 0 || scores[i] > scores[best] || (scores[i] === scores[best] && i < best)) best = i;
    keep.push(best);
    alive.delete(best);
    for (const j of [...alive]) if (iou[best * n + j] > thr) alive.delete(j);
  }
  return keep;
}

function randomScene(seed: number, n: number) {
  const rng = Rng.from(seed);
  const boxes = new Float64Array(4 * n);
  const centres = [
    [20, 20],
    [50, 40],
    [30, 70],
  ];
  for (let i = 0; i < n; i++) {
    const [cx, cy] = centres[rng.int(0, 3)];
    const x = cx + rng.uniform(0, 10),
      y = cy + rng.uniform(0, 10);
    boxes.set([x, y, x + rng.uniform(10, 20), y + rng.uniform(10, 20)], 4 * i);
  }
  const scores = Array.from({ length: n }, () => rng.int(0, 6) / 5); // many ties
  const classes = Array.from({ length: n }, () => rng.int(0, 3));
  return { boxes, scores, classes };
}

describe('NMS properties', () => {
  it('equals the reference greedy NMS on random clustered scenes with score ties', () => {
    for (let seed = 0; seed < 30; seed++) {
      const { boxes, scores } = randomScene(seed, 60);
      for (const thr of [0, 0.3, 0.5, 0.7])
        expect(nmsTyped(boxes, scores, thr)).toEqual(referenceNms(boxes, scores, thr));
    }
  });

  it('float32 inputs equal a reference whose every IoU is computed in float32 arithmetic', () => {
    const f = Math.fround;
    for (let seed = 0; seed < 20; seed++) {
      const { boxes, scores } = randomScene(200 + seed, 60);
      const b32 = Float32Array.from(boxes);
      const n = scores.length;
      const iou = new Float64Array(n * n);
      const area = (i: number) => f(f(b32[4 * i + 2] - b32[4 * i]) * f(b32[4 * i + 3] - b32[4 * i + 1]));
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          const w = Math.max(0, f(Math.min(b32[4 * i + 2], b32[4 * j + 2]) - Math.max(b32[4 * i], b32[4 * j])));
          const h = Math.max(0, f(Math.min(b32[4 * i + 3], b32[4 * j + 3]) - Math.max(b32[4 * i + 1], b32[4 * j + 1])));
          const inter = f(w * h);
          iou[i * n + j] = f(inter / f(f(area(i) + area(j)) - inter));
        }
      for (const thr of [0.3, 0.5, 0.7])
        expect(nmsTyped(b32, scores, thr)).toEqual(referenceNms(Float64Array.from(b32), scores, thr, iou));
    }
  });

  it('batched NMS = per-class NMS merged by (score desc, index asc)', () => {
    for (let seed = 0; seed < 20; seed++) {
      const { boxes, scores, classes } = randomScene(100 + seed, 80);
      const merged: number[] = [];
      for (const c of [0, 1, 2]) {
        const members = classes.flatMap((k, i) => (k === c ? [i] : []));
        const sub = new Float64Array(members.flatMap((i) => Array.from(boxes.subarray(4 * i, 4 * i + 4))));
        merged.push(
          ...referenceNms(
            sub,
            members.map((i) => scores[i]),
            0.5,
          ).map((k) => members[k]),
        );
      }
      merged.sort((a, b) => scores[b] - scores[a] || a - b);
      expect(batchedNmsTyped(boxes, scores, classes, 0.5)).toEqual(merged);
    }
  });

  it('keeps a box whose IoU equals the threshold and suppresses one just above', () => {
    const boxes = Float64Array.from([0, 0, 10, 10, 0, 0, 10, 5, 0, 0, 10, 5.0001]);
    expect(nmsTyped(boxes, [0.9, 0.8, 0.1], 0.5)).toEqual([0, 1]);
  });

  it('follows the input precision: float32 inputs decide with float32 IoU (as torchvision float32)', () => {
    // float64 IoU of these float32 coordinates is 0.69999997…, float32 arithmetic gives 0.70000005.
    const pair = [
      53.617210388183594, 94.808258056640625, 59.45768737792969, 115.36199951171875, 54.647884368896484,
      94.808258056640625, 60.48835754394531, 115.36199951171875,
    ];
    expect(nmsTyped(Float32Array.from(pair), [0.9, 0.8], 0.7)).toEqual([0]);
    expect(nmsTyped(Float64Array.from(pair), [0.9, 0.8], 0.7)).toEqual([0, 1]);
  });

  it('handles empty input and rejects bad input', () => {
    expect(nmsTyped(new Float32Array(0), [], 0.5)).toEqual([]);
    expect(() => nmsTyped(new Float32Array(4), [NaN], 0.5)).toThrow(/NaN/);
    expect(() => nmsTyped(new Float32Array(8), [1], 0.5)).toThrow(/2 boxes but 1 scores/);
    expect(() => batchedNmsTyped(new Float32Array(8), [1, 2], [0], 0.5)).toThrow(/class ids/);
    expect(() => nmsTyped(new Float32Array(4), [1], -0.1)).toThrow(/≥ 0/);
  });
});
