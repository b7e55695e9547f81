/**
 * The optimiser and learning-rate schedule a config asks for. Both are pure functions of the
 * config, the detector's parameter-group rules and the steps per epoch, so a resumed run
 * rebuilds exactly the same ones (their state — moments, step counts — comes back from the
 * checkpoint).
 */
import type { Detector, TrainConfig } from '@apdet/detector';
import {
  AdamW,
  cosine,
  multiStep,
  paramGroups,
  SGD,
  withLinearWarmup,
  type LrSchedule,
  type Optimizer,
} from '@apdet/nn';

/**
 * SGD with momentum, or AdamW with β1 = `momentum` (decoupled weight decay either way); the
 * detector's rules multiply lr and weight decay per parameter group.
 */
export function createOptimizer(model: Detector, train: TrainConfig): Optimizer {
  const rules = model.paramGroupRules().map((r) => ({
    match: r.match,
    lrMult: r.lrMult ?? 1,
    weightDecay: train.weightDecay * (r.weightDecayMult ?? 1),
  }));
  const groups = paramGroups(model, { weightDecay: train.weightDecay, rules });
  return train.optimizer === 'adamw'
    ? new AdamW(groups, { beta1: train.momentum })
    : new SGD(groups, { momentum: train.momentum });
}

/** The lr factor per iteration: warm-up, then steps at `lrSteps` epochs or a cosine decay over the run. */
export function createSchedule(train: TrainConfig, stepsPerEpoch: number): LrSchedule {
  const totalIters = train.epochs * stepsPerEpoch;
  const regular =
    train.lrSchedule === 'cosine' ? cosine(totalIters) : multiStep(train.lrSteps.map((e) => e * stepsPerEpoch));
  return withLinearWarmup(regular, { iters: train.warmupIters, ratio: train.warmupRatio });
}
