/**
 * RetinaNet's targets for a batch: the anchors of the padded input size, assigned per image on
 * the host. The training step itself is the apps' generic one (apps/train/src/train-step.ts).
 */
import type { TrainBatch } from '@apdet/detector';
import type { RetinaNet } from './model/retinanet.js';
import { batchTargets, type BatchTargets } from './targets.js';

/** Batch targets for the padded input size of `images`. */
export function targetsForBatch(model: RetinaNet, batch: TrainBatch): BatchTargets {
  const [b, height, width] = batch.images.shape;
  if (batch.annotations.length !== b) {
    throw new Error(`targetsForBatch: ${batch.annotations.length} annotation sets for ${b} images`);
  }
  const c = model.config;
  return batchTargets(model.anchorGenerator, model.anchors(height, width), batch.annotations, {
    numClasses: c.numClasses,
    assigner: c.assigner,
    stds: model.boxCoderStds,
  });
}
