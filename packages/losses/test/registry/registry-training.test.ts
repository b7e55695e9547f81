// Every registry entry on every head kind: finite total, finite gradients w.r.t. logits and
// box deltas, and gradient descent on the raw inputs lowers the loss (cpu); one wasm smoke test.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getLoss, HEAD_KINDS, LOSS_NAMES, type DetectionLoss, type HeadKind } from '../../src/registry/index.js';
import { buildInputs, syntheticBatch, type SyntheticBatch } from './synthetic.js';

function lossAndGrads(loss: DetectionLoss, batch: SyntheticBatch, logitsValues: number[], deltaValues: number[]) {
  return tf.tidy(() => {
    const k = loss.numLogits(batch.headKind, batch.numClasses);
    const logits = tf.tensor2d(logitsValues, [batch.n, k]);
    const deltas = tf.tensor2d(deltaValues, [batch.n, 4]);
    const f = (l: tf.Tensor, d: tf.Tensor) =>
      loss.compute(buildInputs(batch, l as tf.Tensor2D, d as tf.Tensor2D)).total;
    const { value, grads } = tf.valueAndGrads(f)([logits, deltas]);
    return {
      value: value.dataSync()[0],
      gLogits: Array.from(grads[0].dataSync()),
      gDeltas: Array.from(grads[1].dataSync()),
    };
  });
}

/** Plain gradient descent on the raw logits and deltas; returns the loss before and after. */
function descend(
  loss: DetectionLoss,
  batch: SyntheticBatch,
  steps: number,
  lr: number,
): { first: number; last: number; history: number[] } {
  const k = loss.numLogits(batch.headKind, batch.numClasses);
  let logits = batch.logits(k);
  let deltas = [...batch.deltas];
  const history: number[] = [];
  for (let s = 0; s <= steps; s++) {
    const { value, gLogits, gDeltas } = lossAndGrads(loss, batch, logits, deltas);
    history.push(value);
    logits = logits.map((v, i) => v - lr * gLogits[i]);
    deltas = deltas.map((v, i) => v - lr * gDeltas[i]);
  }
  return { first: history[0], last: history[history.length - 1], history };
}

/** Step sizes at which plain gradient descent decreases every entry monotonically on this batch. */
const learningRate = (name: string): number =>
  name === 'param-ap:sigmoid' ? 5 : name.startsWith('param-ap') ? 0.5 : 0.05;

const isFiniteArray = (a: number[]) => a.every(Number.isFinite);

describe('registry entries train on cpu', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
  });

  const cases = LOSS_NAMES.flatMap((name) => HEAD_KINDS.map((head) => [name, head] as const));
  it.each(cases)('%s on a %s head: finite loss and gradients, descent lowers the loss', (name, head: HeadKind) => {
    const loss = getLoss(name);
    const batch = syntheticBatch(head, { seed: 3 });
    const k = loss.numLogits(head, batch.numClasses);
    const { value, gLogits, gDeltas } = lossAndGrads(loss, batch, batch.logits(k), batch.deltas);
    expect(Number.isFinite(value) && value > 0).toBe(true);
    expect(isFiniteArray(gLogits) && isFiniteArray(gDeltas)).toBe(true);
    expect(gLogits.some((g) => g !== 0)).toBe(true);
    expect(gDeltas.some((g) => g !== 0)).toBe(true);
    // Box gradients reach positives only.
    batch.labels.forEach((label, i) => {
      if (label < 0 || label >= batch.numClasses)
        expect(gDeltas.slice(4 * i, 4 * i + 4).every((g) => g === 0)).toBe(true);
    });
    const { first, last, history } = descend(loss, batch, 6, learningRate(name));
    history.slice(1).forEach((v, i) => expect(v, `step ${i + 1} of ${history.join(', ')}`).toBeLessThan(history[i]));
    expect(last).toBeLessThan(first * 0.99);
  });

  it.each(LOSS_NAMES.map((n) => [n]))(
    '%s: a batch without positives gives a finite loss and finite gradients',
    (name) => {
      const loss = getLoss(name);
      for (const head of HEAD_KINDS) {
        const batch = syntheticBatch(head, { seed: 5, positives: 0 });
        const k = loss.numLogits(head, batch.numClasses);
        const { value, gLogits, gDeltas } = lossAndGrads(loss, batch, batch.logits(k), batch.deltas);
        expect(Number.isFinite(value)).toBe(true);
        expect(isFiniteArray(gLogits) && isFiniteArray(gDeltas)).toBe(true);
        expect(gDeltas.every((g) => g === 0)).toBe(true);
        if (name.startsWith('param-ap')) {
          expect(value).toBe(0);
          expect(gLogits.every((g) => g === 0)).toBe(true);
        }
      }
    },
  );
});

describe('registry entries on wasm (smoke)', () => {
  beforeAll(async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    expect(await tf.setBackend('wasm')).toBe(true);
  }, 60_000);

  it.each(LOSS_NAMES.map((n) => [n]))('%s on a retina head: descent lowers the loss', (name) => {
    const loss = getLoss(name);
    const batch = syntheticBatch('retina', { seed: 3 });
    const { first, last } = descend(loss, batch, 3, learningRate(name));
    expect(Number.isFinite(last)).toBe(true);
    expect(last).toBeLessThan(first);
  });
});
