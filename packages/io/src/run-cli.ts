import { isUserError } from './user-error.js';

/**
 * Runs a CLI's main function. A {@link UserError} is printed as one `error: …` line and the
 * process exits with its code; anything else is a bug and keeps its stack trace.
 *
 * Once `main` has settled the process exits: background threads that never end on their own
 * (the multi-threaded wasm backend's pthread workers) must not keep a finished command alive.
 * Output is not lost: on Linux, writes to stdout/stderr (files, pipes, terminals) are synchronous.
 *
 * @example
 * runCli(async () => { await evaluateCommand(process.argv.slice(2)); });
 */
export function runCli(main: () => Promise<void> | void, programName = 'apdet'): void {
  Promise.resolve()
    .then(main)
    .catch((error: unknown) => {
      if (isUserError(error)) {
        process.stderr.write(`${programName}: error: ${error.message}\n`);
        process.exitCode = error.exitCode;
        return;
      }
      process.stderr.write(`${programName}: internal error (please report it):\n`);
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 70;
    })
    .finally(() => process.exit());
}
