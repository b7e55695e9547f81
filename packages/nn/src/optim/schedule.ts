/**
 * Learning-rate schedules as pure functions of the iteration (0-based) returning a factor of the
 * base rate, so the schedule's whole state is the iteration counter (saved with checkpoints).
 */
export type LrSchedule = (iter: number) => number;

/** Constant factor 1. */
export const constantSchedule: LrSchedule = () => 1;

/** ×gamma at each milestone iteration reached (mmdet/torch MultiStep; milestones in iterations). */
export function multiStep(milestones: number[], gamma = 0.1): LrSchedule {
  const sorted = [...milestones].sort((a, b) => a - b);
  return (iter) => gamma ** sorted.filter((m) => iter >= m).length;
}

/** Cosine annealing from 1 to `minRatio` over `totalIters` (mmdet CosineAnnealing with min_lr_ratio). */
export function cosine(totalIters: number, minRatio = 0): LrSchedule {
  return (iter) => {
    const t = Math.min(iter, totalIters) / totalIters;
    return minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * t));
  };
}

/**
 * Linear warm-up in front of a schedule, mmdet semantics: for iter < iters,
 * factor = regular(iter) · (1 − (1 − iter/iters)(1 − ratio)); so iteration 0 runs at
 * `ratio` × the regular rate (mmdet `warmup_ratio`, e.g. 0.001 over 500 iterations).
 */
export function withLinearWarmup(schedule: LrSchedule, warmup: { iters: number; ratio: number }): LrSchedule {
  return (iter) => {
    const regular = schedule(iter);
    if (iter >= warmup.iters) return regular;
    const k = (1 - iter / warmup.iters) * (1 - warmup.ratio);
    return regular * (1 - k);
  };
}
