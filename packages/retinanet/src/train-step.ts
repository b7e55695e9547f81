/**
 * One optimisation step of a RetinaNet: targets (typed arrays) → forward → registry loss →
 * gradients of the trainable parameters → optimiser update. The training app drives it.
 */
import * as tf from '@tensorflow/tfjs';
import { clipGradNorm, valueAndGrads, type Optimizer } from '@apdet/nn';
import type { DetectionLoss } from '@apdet/losses';
import { retinaLoss } from './loss.js';
import type { RetinaNet } from './model/retinanet.js';
import { batchTargets, type BatchTargets, type ImageAnnotations } from './targets.js';

/** A batch as the model sees it: normalised NHWC images padded to one size, and annotations. */
export interface TrainBatch {
  images: tf.Tensor4D;
  annotations: readonly ImageAnnotations[];
}

export interface TrainStepOptions {
  /** The scheduled learning rate of this step. */
  lr: number;
  /** Global gradient-norm clip; 0 or absent = none. */
  gradClipNorm?: number;
}

export interface TrainStepResult {
  /** The minimised loss (sum of the parts). */
  total: number;
  /** The loss's named parts (`focal`, `l1`, `giou`, `pap`, …). */
  parts: Record<string, number>;
  numPositives: number;
  /** Gradient norm before clipping (only when clipping is on). */
  gradNorm: number | null;
}

/** Batch targets for the padded input size of `images`. */
export function targetsForBatch(model: RetinaNet, batch: TrainBatch): BatchTargets {
  const [b, height, width] = batch.images.shape;
  if (batch.annotations.length !== b) throw new Error(`targetsForBatch: ${batch.annotations.length} annotation sets for ${b} images`);
  const c = model.config;
  return batchTargets(model.anchorGenerator, model.anchors(height, width), batch.annotations, { numClasses: c.numClasses, assigner: c.assigner, stds: model.boxCoderStds });
}

/**
 * Forward + registry loss + backward + `optimizer.step`. The model must have been built with
 * this loss (`new RetinaNet(cfg, { loss })`) so its classifier matches. Returns plain numbers
 * (one device read per part); the training loop checks them for NaN/Inf.
 *
 * @example
 * const r = trainStep(model, loss, sgd, { images, annotations }, { lr: schedule(iter) * baseLr });
 */
export function trainStep(model: RetinaNet, loss: DetectionLoss, optimizer: Optimizer, batch: TrainBatch, options: TrainStepOptions): TrainStepResult {
  const targets = targetsForBatch(model, batch);
  const c = model.config;
  const kept: Record<string, tf.Scalar> = {};
  const { value, grads } = valueAndGrads(model.trainableParameters(), () => {
    const out = retinaLoss(loss, c.numClasses, model.forward(batch.images), targets, model.boxCoderStds);
    // Parts are created inside the tape's tidy scope: keep them to read after the step.
    for (const [name, t] of Object.entries(out.parts)) kept[name] = tf.keep(t);
    return out.total;
  });
  let applied = grads;
  let gradNorm: number | null = null;
  if (options.gradClipNorm && options.gradClipNorm > 0) {
    const clipped = clipGradNorm(grads, options.gradClipNorm);
    applied = clipped.grads;
    gradNorm = clipped.totalNorm;
  }
  optimizer.step(applied, options.lr);
  const parts: Record<string, number> = {};
  for (const [name, t] of Object.entries(kept)) parts[name] = t.dataSync()[0];
  const total = value.dataSync()[0];
  tf.dispose([value, ...grads.values(), ...(applied === grads ? [] : applied.values()), ...Object.values(kept)]);
  return { total, parts, numPositives: targets.numPositives, gradNorm };
}
