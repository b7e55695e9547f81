/**
 * The generic training step of every detector (used by apps/train's loop and by the
 * conformance suite): loss and gradients under the tape → global-norm clipping on the device →
 * optimiser step → ONE read of `[total, parts…, gradNorm]`. Nothing else leaves the device, so a
 * GPU backend is never stalled in the middle of a step.
 */
import * as tf from '@tensorflow/tfjs';
import { gradNormClipScale, valueAndGrads, type Optimizer } from '@apdet/nn';
import type { TrainBatch } from './batch.js';
import type { Detector } from './contract.js';

export interface StepOptions {
  /** The scheduled learning rate of this step. */
  lr: number;
  /** Global gradient-norm clip; 0 = none. */
  gradClipNorm: number;
  /** The step being computed (0-based) and the run's seed: the loss context. */
  iter: number;
  seed: number;
}

export interface StepResult {
  /** The minimised loss (sum of the parts). */
  total: number;
  /** The detector's named parts (`retina/pap`, …). */
  parts: Record<string, number>;
  /** Host-side facts of the batch (e.g. `retina/positives`). */
  stats: Record<string, number>;
  /** Global gradient norm before clipping (only when clipping is on). */
  gradNorm: number | null;
}

/**
 * One optimisation step of `model` on `batch`. The model must have been built with the loss it
 * trains with (`spec.build(config, { loss })`).
 *
 * @example
 * const r = trainStep(model, optimizer, batch, { lr: baseLr * schedule(iter), gradClipNorm: 10, iter, seed });
 */
export function trainStep(model: Detector, optimizer: Optimizer, batch: TrainBatch, o: StepOptions): StepResult {
  const kept: Record<string, tf.Scalar> = {};
  let stats: Record<string, number> = {};
  const { value, grads } = valueAndGrads(model.trainableParameters(), () => {
    const out = model.computeLoss(batch, { iter: o.iter, seed: o.seed });
    // Parts are created inside the tape's tidy scope: keep them to read after the step.
    for (const [name, t] of Object.entries(out.parts)) kept[name] = tf.keep(t);
    stats = out.stats;
    return out.total;
  });
  const clip = o.gradClipNorm > 0 ? gradNormClipScale(grads, o.gradClipNorm) : null;
  optimizer.step(grads, o.lr, clip === null ? {} : { gradScale: clip.scale });
  const names = Object.keys(kept);
  const scalars = [value, ...names.map((n) => kept[n]), ...(clip === null ? [] : [clip.norm])];
  const packed = tf.stack(scalars);
  const values = packed.dataSync(); // the one read of the step
  tf.dispose([packed, ...scalars, ...grads.values(), ...(clip === null ? [] : [clip.scale])]);
  const parts: Record<string, number> = {};
  names.forEach((n, i) => (parts[n] = values[i + 1]!));
  return { total: values[0], parts, stats, gradNorm: clip === null ? null : values[names.length + 1] };
}
