/**
 * Keeping `latest.safetensors` current, so a stopped run loses nothing: besides the epoch ends,
 * it is written every `saveEveryMinutes` (default 10: an epoch on COCO is hours), when a signal
 * stops the run, and when an error ends it in the middle of an epoch, with the loader position
 * of the next batch (TrainState.next), so `--resume` continues exactly there. A checkpoint is
 * written only from a consistent state, between steps: never after a step that failed part-way
 * or produced non-finite values.
 */
import path from 'node:path';
import { isUserError, UserError } from '@apdet/io';
import type { Module, Optimizer } from '@apdet/nn';
import { LATEST, saveState, type TrainState } from './checkpoints.js';
import { describeWriteError } from './output-paths.js';

export class LatestKeeper {
  /** The step `latest` holds (the resumed step at the start, 0 for a new run: none written yet). */
  savedAt: number;
  private lastSave = performance.now();
  readonly file: string;

  constructor(
    private readonly runDir: string,
    private readonly model: Module,
    private readonly optimizer: Optimizer,
    startIter: number,
    /** Milliseconds between time-based saves; 0: only at epoch ends and stops. */
    private readonly everyMs: number,
  ) {
    this.savedAt = startIter;
    this.file = path.join(runDir, LATEST);
  }

  async save(state: TrainState): Promise<void> {
    await saveState(this.file, this.model, this.optimizer, state);
    this.savedAt = state.iter;
    this.lastSave = performance.now();
  }

  /** True when the time-based period has passed since the last save and there is something new. */
  due(state: TrainState): boolean {
    return this.everyMs > 0 && state.iter > this.savedAt && performance.now() - this.lastSave >= this.everyMs;
  }

  /** Where the run can be continued from, for messages. */
  describeSaved(): string {
    return this.savedAt > 0
      ? `${this.file} holds step ${this.savedAt}`
      : 'no checkpoint was written yet (--resume starts from step 0)';
  }

  /**
   * After an error between steps: saves `latest` when there are steps it does not hold, and
   * returns the error to throw. A UserError keeps its one line, extended with what was saved; a
   * bug keeps its stack trace (the save is logged).
   */
  async afterError(error: unknown, state: TrainState, log: (line: string) => void): Promise<unknown> {
    let saved: string;
    if (state.iter > this.savedAt) {
      try {
        await this.save(state);
        saved = `saved ${this.file} at step ${state.iter}; continue with --resume ${this.runDir}`;
      } catch (saveError) {
        const reason = isUserError(saveError) ? saveError.message : describeWriteError(saveError);
        // The same failure twice (a full disk) is said once.
        const why = error instanceof Error && reason === error.message ? '' : ` (${reason})`;
        saved = `latest could not be saved either${why}; ${this.describeSaved()}`;
      }
    } else {
      saved =
        this.savedAt > 0 ? `${this.describeSaved()}; continue with --resume ${this.runDir}` : this.describeSaved();
    }
    if (isUserError(error)) {
      return new UserError(`${error.message}; ${saved}`, { exitCode: error.exitCode, cause: error });
    }
    log(`apdet-train: the run failed at step ${state.iter}: ${saved}`);
    return error;
  }
}
