/**
 * The optimiser and learning-rate schedule a config asks for. Both are pure functions of the
 * config and the steps per epoch, so a resumed run rebuilds exactly the same ones (their
 * state — moments, step counts — comes back from the checkpoint).
 */
import { AdamW, cosine, multiStep, paramGroups, SGD, withLinearWarmup, type LrSchedule, type Module, type Optimizer } from '@apdet/nn';
import type { RetinaNetConfig } from '@apdet/retinanet';

/** SGD with momentum, or AdamW with β1 = `momentum` (decoupled weight decay either way). */
export function createOptimizer(model: Module, train: RetinaNetConfig['train']): Optimizer {
  const groups = paramGroups(model, { weightDecay: train.weightDecay });
  return train.optimizer === 'adamw' ? new AdamW(groups, { beta1: train.momentum }) : new SGD(groups, { momentum: train.momentum });
}

/** The lr factor per iteration: warm-up, then steps at `lrSteps` epochs or a cosine decay over the run. */
export function createSchedule(train: RetinaNetConfig['train'], stepsPerEpoch: number): LrSchedule {
  const totalIters = train.epochs * stepsPerEpoch;
  const regular = train.lrSchedule === 'cosine' ? cosine(totalIters) : multiStep(train.lrSteps.map((e) => e * stepsPerEpoch));
  return withLinearWarmup(regular, { iters: train.warmupIters, ratio: train.warmupRatio });
}
