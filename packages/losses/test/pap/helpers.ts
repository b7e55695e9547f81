import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@apdet/rng';
import { expect } from 'vitest';
import type { PapForm, PapLossOptions } from '../../src/index.js';

const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/paploss');

export interface OracleOutputs {
  loss: number;
  grad_logits: number[];
  grad_ious: number[];
}

/** One case of the official-paploss oracle (the schema of the JSON files in test/fixtures/paploss/). */
export interface PapCase {
  name: string;
  inputs: {
    shape: number[];
    logits: number[];
    ious: number[];
    targets: number[];
    ctrl_points: number[][] | null;
    num_topk: number;
    loss_form: PapForm;
  };
  info: { topk_applied: boolean; selected_indices: number[] | null; num_pos: number };
  outputs: OracleOutputs;
  outputs_float32: OracleOutputs;
}

export function loadPapCases(): PapCase[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(FIXTURE_DIR, f), 'utf8')) as PapCase);
}

export function caseOptions(c: PapCase): PapLossOptions {
  return {
    form: c.inputs.loss_form,
    ctrlPoints: c.inputs.ctrl_points ?? undefined,
    topK: c.inputs.num_topk,
  };
}

/** The case's inputs as tensors of the case's shape. */
export function caseTensors(c: PapCase): { logits: tf.Tensor; ious: tf.Tensor; targets: tf.Tensor } {
  const { shape, logits, ious, targets } = c.inputs;
  return {
    logits: tf.tensor(logits, shape, 'float32'),
    ious: tf.tensor(ious, shape, 'float32'),
    targets: tf.tensor(targets, shape, 'int32'),
  };
}

/**
 * Array error normalised by the array's scale: max_i |a_i − b_i| / max(max_i |b_i|, tiny).
 * The acceptance rule |a_i − b_i| ≤ tol · max(|b_i|, scale), scale = max_i |b_i|, is exactly
 * `scaledError(a, b) ≤ tol` (near-zero entries are judged against the array's largest one).
 */
export function scaledError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / Math.max(scale, 1e-30);
}

/** Relative error of a scalar (absolute when the reference is 0). */
export function scalarError(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), b === 0 ? 1 : 0);
}

/** Loss and both gradients of a tfjs loss function, read back to the host. */
export function lossAndGrads(
  fn: (logits: tf.Tensor, ious: tf.Tensor) => tf.Scalar,
  logits: tf.Tensor,
  ious: tf.Tensor,
): { loss: number; gradLogits: Float32Array; gradIous: Float32Array } {
  const { value, grads } = tf.valueAndGrads((l: tf.Tensor, u: tf.Tensor) => fn(l, u))([logits, ious]);
  const out = {
    loss: value.dataSync()[0],
    gradLogits: grads[0].dataSync() as Float32Array,
    gradIous: grads[1].dataSync() as Float32Array,
  };
  tf.dispose([value, ...grads]);
  return out;
}

/** A random problem: logits N(0, spread)-ish, targets with given positive/ignore rates. */
export function randomProblem(
  n: number,
  seed: number,
  opts: { posRate?: number; ignoreRate?: number; spread?: number } = {},
): { logits: Float32Array; ious: Float32Array; targets: Int32Array } {
  const rand = Rng.from(seed);
  const { posRate = 0.2, ignoreRate = 0.1, spread = 1.5 } = opts;
  const logits = new Float32Array(n);
  const ious = new Float32Array(n);
  const targets = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    logits[i] = (rand.next() + rand.next() + rand.next() - 1.5) * 2 * spread;
    const r = rand.next();
    targets[i] = r < posRate ? 1 : r < posRate + ignoreRate ? -1 : 0;
    ious[i] = targets[i] === 1 ? 0.05 + 0.9 * rand.next() : 0;
  }
  if (!targets.includes(1)) targets[0] = 1;
  return { logits, ious, targets };
}

/** A loss with parameterizedApLoss's signature (the fast path or the dense reference). */
export type PapLossFn = (logits: tf.Tensor, ious: tf.Tensor, targets: tf.Tensor, options: PapLossOptions) => tf.Scalar;

/**
 * Runs one oracle case through `loss` on the current backend and checks the loss and both
 * gradients against the official implementation's float32 outputs, to 1e-5 (the loss relative,
 * the gradients relative to max(|b|, max|b| over the array): see scaledError).
 */
export function expectMatchesFloat32Oracle(c: PapCase, loss: PapLossFn): void {
  const t = caseTensors(c);
  try {
    const r = lossAndGrads((l, u) => loss(l, u, t.targets, caseOptions(c)), t.logits, t.ious);
    const ref = c.outputs_float32;
    expect(scalarError(r.loss, ref.loss)).toBeLessThanOrEqual(1e-5);
    expect(scaledError(r.gradLogits, ref.grad_logits)).toBeLessThanOrEqual(1e-5);
    expect(scaledError(r.gradIous, ref.grad_ious)).toBeLessThanOrEqual(1e-5);
  } finally {
    tf.dispose(Object.values(t));
  }
}
