/**
 * SIGINT (Ctrl-C) and SIGTERM (`kill`, a scheduler's pre-emption) stop a training run without
 * losing it: the first signal asks the run to stop at the next step boundary, where it saves
 * `latest` with the loader position and ends (runTraining throws TrainingInterruptedError); a
 * second one quits at once. The trainers surveyed in docs/spec/field.md ("Checkpoint / resume")
 * checkpoint per period or per epoch, and docs/spec/detectors.md (field issue 6, "Resume versus
 * fine-tune") asks a resume to restore optimiser, schedule and epoch; here the position inside
 * the epoch is restored too, so a stop between epoch ends loses no step.
 */

/** The signals that stop a run, and the exit status each gives (128 + the signal number, as a shell reports it). */
export const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignalName = keyof typeof STOP_SIGNALS;

export interface StopSignals {
  /** Aborted by the first signal; its `reason` is the signal's name. Pass it to runTraining. */
  readonly signal: AbortSignal;
  /** Removes the handlers (the default behaviour of the signals returns). */
  dispose(): void;
}

/**
 * Installs the handlers for the life of one run.
 *
 * @example
 * const stop = watchStopSignals((line) => process.stderr.write(`${line}\n`));
 * try { await runTraining(job, { signal: stop.signal }); } finally { stop.dispose(); }
 */
export function watchStopSignals(log: (line: string) => void): StopSignals {
  const controller = new AbortController();
  const handlers = new Map<StopSignalName, () => void>();
  for (const name of Object.keys(STOP_SIGNALS) as StopSignalName[]) {
    const handler = (): void => {
      if (controller.signal.aborted) {
        log(`${name} again: quitting without saving`);
        process.exit(STOP_SIGNALS[name]);
      }
      log(
        `${name}: stopping after this step and saving latest (${name === 'SIGINT' ? 'Ctrl-C' : name} again quits at once)`,
      );
      controller.abort(name);
    };
    handlers.set(name, handler);
    process.on(name, handler);
  }
  return {
    signal: controller.signal,
    dispose() {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}

/** The signal an aborted AbortSignal stands for (its reason when that names one, else SIGINT). */
export function stopSignalName(signal: AbortSignal): StopSignalName {
  const reason: unknown = signal.reason;
  return typeof reason === 'string' && reason in STOP_SIGNALS ? (reason as StopSignalName) : 'SIGINT';
}
