/**
 * Hooks a library caller of {@link runTraining} (e.g. the loss search's proxy task) uses to
 * watch and steer a run, with typed values instead of parsed progress text.
 */

/** What the loop knows after a step (its metrics are already recorded). */
export interface StepInfo {
  /** Steps done, and the step the run stops at. */
  iter: number;
  stopIter: number;
  epoch: number;
  lr: number;
  /** The minimised loss and its named parts, at full precision. */
  loss: number;
  parts: Record<string, number>;
  gradNorm: number | null;
}

/** An evaluation on val: the 12 COCO stats (AP, AP50, …) at a step. */
export interface EvalInfo {
  iter: number;
  stats: readonly number[];
  /** True for the run's final evaluation. */
  final: boolean;
}

export interface TrainingHooks {
  /**
   * After every step. Returning `'stop'` ends the run there: `latest` is saved and the final
   * evaluation and report are skipped (`RunOutput.stopped` is true).
   */
  afterStep?(info: StepInfo): 'stop' | void;
  afterEval?(info: EvalInfo): void;
}
