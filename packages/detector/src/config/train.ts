/**
 * The `train` section every detector config shares: schedule, optimiser and data pipelines
 * (read by apps/train).
 */
import type { z } from 'zod';
import { listSchema, numberSchema, oneOfSchema, sectionSchema, textSchema } from './fields.js';

/** Schema of {@link TrainConfig}: every field required, unknown fields refused. */
export const TRAIN_CONFIG_SCHEMA = sectionSchema({
  /** Images per step (all devices together). */
  batchSize: numberSchema(1, { integer: true }),
  /**
   * `sgd` (momentum SGD, the paper's) or `adamw` (PyTorch AdamW; `momentum` is then β1). AdamW
   * is for small models trained from scratch on CPU, where it converges in far fewer steps.
   */
  optimizer: oneOfSchema(['sgd', 'adamw']),
  /** Base learning rate for `batchSize` images. */
  lr: numberSchema(0, { minExclusive: true }),
  /** SGD momentum, or AdamW's β1. */
  momentum: numberSchema(0, { max: 1 }),
  /** L2 weight decay (SGD) or decoupled weight decay (AdamW). */
  weightDecay: numberSchema(0),
  /** Linear warm-up iterations. */
  warmupIters: numberSchema(0, { integer: true }),
  /** The warm-up's start ratio of `lr`. */
  warmupRatio: numberSchema(0, { max: 1 }),
  /** Training epochs. */
  epochs: numberSchema(1, { integer: true }),
  /** `step`: ×0.1 after each of `lrSteps` epochs; `cosine`: cosine decay to 0 over all epochs (`lrSteps` unused). */
  lrSchedule: oneOfSchema(['step', 'cosine']),
  /** Epochs after which the lr is multiplied by 0.1 (`lrSchedule: 'step'`). */
  lrSteps: listSchema(numberSchema(0), 0),
  /** Gradient-norm clip (0 = none). */
  gradClipNorm: numberSchema(0),
  /** Train pipeline preset name of @apdet/data (`paper-train`, `shapes-train`, …). */
  trainPipeline: textSchema(),
  /** Test pipeline preset name of @apdet/data (`paper-test`, `shapes-test`, …). */
  testPipeline: textSchema(),
  /** Default dataset: `shapes` (the built-in generated dataset) or `coco` (give --data). */
  dataset: oneOfSchema(['shapes', 'coco']),
});

/** Training schedule and optimiser (read by apps/train). */
export type TrainConfig = z.output<typeof TRAIN_CONFIG_SCHEMA>;
