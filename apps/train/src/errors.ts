/**
 * Typed errors of a training run, so callers (the CLI, the loss search's proxy task) react to
 * what happened instead of matching message text. Both are UserErrors: the CLI prints one line.
 */
import { UserError } from '@apdet/io';

/** A loss part or the gradient norm became NaN or ±Inf; the step's update was already applied. */
export class TrainingDivergedError extends UserError {
  constructor(
    message: string,
    /** `loss`, a part name (`retina/pap`, …) or `gradNorm`. */
    readonly quantity: string,
    readonly value: number,
    /** The step (1-based) whose loss was not finite. */
    readonly iter: number,
  ) {
    super(message); // name stays UserError: the CLI prints it as one line (isUserError)
  }
}

/**
 * The run stopped on a signal (SIGINT, SIGTERM) at a step boundary, after saving `latest`; the
 * exit code is the shell's for that signal (130, 143). `--resume` continues it exactly.
 */
export class TrainingInterruptedError extends UserError {
  constructor(
    message: string,
    /** `SIGINT` or `SIGTERM`. */
    readonly signal: string,
    /** Steps done (and saved in `latest`). */
    readonly iter: number,
    exitCode: number,
  ) {
    super(message, { exitCode });
  }
}

/** evaluateOnVal stopped between batches because its AbortSignal was aborted (nothing was written). */
export class EvaluationStoppedError extends Error {
  constructor() {
    super('evaluation stopped');
    this.name = 'EvaluationStoppedError';
  }
}
