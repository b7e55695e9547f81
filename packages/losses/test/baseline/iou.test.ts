// Aligned IoU / GIoU with the Parameterized AP code's epsilons (docs/spec/paper-spec.md §9.4), and the IoU and
// GIoU losses: forward vs torchvision's pairwise box_iou / generalized_box_iou oracle, forward
// and gradient (w.r.t. predicted AND target boxes) vs a float64 reference and finite
// differences, on cpu and wasm.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@apdet/rng';
import { alignedIous, giouLoss, iouLoss } from '../../src/baseline/index.js';
import { BACKENDS, checkScalarLoss, useBackend } from './harness.js';
import { expectClose, f32, iouGiouRef } from './reference.js';

interface PairwiseCase {
  inputs: { boxes1: { shape: number[]; data: number[] }; boxes2: { shape: number[]; data: number[] } };
  outputs: Record<string, { data: number[] }>;
}
const FIXTURES = fileURLToPath(new URL('../fixtures/ops/', import.meta.url));
const load = (name: string) => JSON.parse(readFileSync(`${FIXTURES}${name}.json`, 'utf8')) as PairwiseCase;

/** All (i, j) pairs of a pairwise case as aligned [N·M, 4] inputs. */
function allPairs(c: PairwiseCase): { a: number[]; b: number[] } {
  const [n] = c.inputs.boxes1.shape as [number];
  const [m] = c.inputs.boxes2.shape as [number];
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      a.push(...c.inputs.boxes1.data.slice(4 * i, 4 * i + 4));
      b.push(...c.inputs.boxes2.data.slice(4 * j, 4 * j + 4));
    }
  }
  return { a, b };
}

const random = Rng.from(23);
const N = 6;

/**
 * Random box pairs whose gradient is well defined under finite differences: every min/max
 * comparison and every overlap width/height is ≥ 0.5 away from a tie (kinks of the formula).
 * Includes overlapping, contained and disjoint pairs.
 */
function randomPairs(): { pred: number[]; target: number[] } {
  const pred: number[] = [];
  const target: number[] = [];
  while (pred.length < 4 * N) {
    const box = () => {
      const x1 = random.next() * 20;
      const y1 = random.next() * 20;
      return [x1, y1, x1 + 2 + random.next() * 15, y1 + 2 + random.next() * 15].map((v) => Math.fround(v));
    };
    const p = box();
    const g = box();
    const gaps = [0, 1, 2, 3].map((k) => Math.abs(p[k] - g[k]));
    const crossX = [p[2] - g[0], g[2] - p[0]].map(Math.abs);
    const crossY = [p[3] - g[1], g[3] - p[1]].map(Math.abs);
    if ([...gaps, ...crossX, ...crossY].every((d) => d > 0.5)) {
      pred.push(...p);
      target.push(...g);
    }
  }
  return { pred, target };
}
const { pred, target } = randomPairs();
const boxesOf = (x: number[]) => Array.from({ length: x.length / 4 }, (_, i) => x.slice(4 * i, 4 * i + 4));
const weights = f32(Array.from({ length: N }, () => random.next() + 0.25));

describe.each(BACKENDS)('IoU / GIoU on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(['box_iou_basic', 'box_iou_edge', 'giou_basic', 'giou_edge'])(
    '%s: matches torchvision (pairwise oracle, 1e-5 relative + 1e-6)',
    (name) => {
      const c = load(name);
      const { a, b } = allPairs(c);
      const { iou, giou } = alignedIous(tf.tensor2d(a, [a.length / 4, 4]), tf.tensor2d(b, [b.length / 4, 4]));
      // torchvision has no epsilon; ours adds 1e-7 to areas of tens to thousands of px², a
      // relative change below 1e-8 (zero-area boxes give IoU 0 in both).
      const [ours, expected] = name.startsWith('giou') ? [giou, c.outputs.giou.data] : [iou, c.outputs.iou.data];
      expectClose(ours.dataSync(), expected, { rtol: 1e-5, atol: 1e-6 }, name);
    },
  );

  it('identical boxes give IoU = GIoU = A/(A + 1e-7), strictly below 1 for a small box', () => {
    const box = tf.tensor2d([[0, 0, 0.001, 0.002]]);
    const { iou, giou } = alignedIous(box, box);
    const area = Math.fround(0.001) * Math.fround(0.002);
    expect(iou.dataSync()[0]).toBeCloseTo(area / (area + 1e-7), 6);
    expect(giou.dataSync()[0]).toBeLessThan(1);
    expect(giou.dataSync()[0]).toBeCloseTo(area / (area + 1e-7), 6);
  });

  it('O22: far-apart disjoint boxes give u = (GIoU + 1)/2 → 0⁺ (positive, tiny)', () => {
    // GIoU = IoU − (C − U)/C with IoU = 0: as the enclosing box C grows, GIoU → −1 from above.
    const near = alignedIous(tf.tensor2d([[0, 0, 10, 10]]), tf.tensor2d([[20, 0, 30, 10]])).giou.dataSync()[0];
    const far = alignedIous(
      tf.tensor2d([[0, 0, 10, 10]]),
      tf.tensor2d([[1e4, 1e4, 1e4 + 10, 1e4 + 10]]),
    ).giou.dataSync()[0];
    const [uNear, uFar] = [(near + 1) / 2, (far + 1) / 2];
    expect(uNear).toBeCloseTo(1 / 3, 5); // C = 300, U = 200: GIoU = −1/3, u = 1/3
    expect(uFar).toBeGreaterThanOrEqual(0);
    expect(uFar).toBeLessThan(1e-5);
    expect(uFar).toBeLessThan(uNear);
  });

  for (const which of ['pred', 'target'] as const) {
    it(`giouLoss gradient w.r.t. ${which} boxes`, () => {
      const fixed = tf.tensor2d(which === 'pred' ? target : pred, [N, 4]);
      const w = tf.tensor1d(weights);
      const call = (x: tf.Tensor) =>
        which === 'pred'
          ? giouLoss(x as tf.Tensor2D, fixed, { weights: w, reduction: 'sum' })
          : giouLoss(fixed, x as tf.Tensor2D, { weights: w, reduction: 'sum' });
      checkScalarLoss({
        label: `giou d/d${which}`,
        input: which === 'pred' ? pred : target,
        shape: [N, 4],
        loss: (x) => call(x) as tf.Scalar,
        reference: (x) => {
          const moving = boxesOf(x);
          const other = boxesOf(which === 'pred' ? target : pred);
          return moving.reduce(
            (s, bx, i) =>
              s + weights[i] * (1 - (which === 'pred' ? iouGiouRef(bx, other[i]) : iouGiouRef(other[i], bx)).giou),
            0,
          );
        },
        fdStep: 1e-2,
      });
      tf.dispose([fixed, w]);
    });
  }

  for (const mode of ['linear', 'log'] as const) {
    it(`iouLoss (${mode}) gradient w.r.t. pred boxes`, () => {
      const fixed = tf.tensor2d(target, [N, 4]);
      checkScalarLoss({
        label: `iou ${mode}`,
        input: pred,
        shape: [N, 4],
        loss: (x) => iouLoss(x as tf.Tensor2D, fixed, { mode, reduction: 'mean' }) as tf.Scalar,
        reference: (x) =>
          boxesOf(x).reduce((s, bx, i) => {
            const iou = iouGiouRef(bx, boxesOf(target)[i]).iou;
            return s + (mode === 'linear' ? 1 - iou : -Math.log(Math.max(iou, 1e-6)));
          }, 0) / N,
        fdStep: 1e-2,
      });
      fixed.dispose();
    });
  }

  it('the random pairs cover overlapping and disjoint boxes', () => {
    const ious = boxesOf(pred).map((p, i) => iouGiouRef(p, boxesOf(target)[i]).iou);
    expect(ious.some((v) => v === 0)).toBe(true);
    expect(ious.some((v) => v > 0)).toBe(true);
  });

  it('rejects boxes that are not [N, 4] or differ in count', () => {
    expect(() => alignedIous(tf.zeros([3, 5]) as tf.Tensor2D, tf.zeros([3, 4]) as tf.Tensor2D)).toThrow(/\[N, 4\]/);
    expect(() => alignedIous(tf.zeros([3, 4]) as tf.Tensor2D, tf.zeros([2, 4]) as tf.Tensor2D)).toThrow(/3 boxes/);
  });
});
