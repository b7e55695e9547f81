/**
 * apdet-train: `apdet-train <detector> [flags]` (the flags are defined in flags.ts; commander
 * generates `--help` from them). User errors print one line and exit non-zero (runCli). Paths
 * on the command line are the user's (also under `pnpm nx`, user-paths.ts); SIGINT and SIGTERM
 * stop the run at a step boundary with `latest` saved (stop-signals.ts), exit 130 / 143.
 */
import { runCli } from '@apdet/io';
import { TrainingInterruptedError } from './errors.js';
import { absoluteUserPaths, helpText, parseFlags, withDefaultThreads } from './flags.js';
import { runTraining, trainingJobFromFlags } from './run.js';
import { watchStopSignals } from './stop-signals.js';

const PROGRAM = 'apdet-train';

export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv);
  if (flags.help) {
    process.stdout.write(helpText());
    return;
  }
  const stop = watchStopSignals((line) => process.stderr.write(`${PROGRAM}: ${line}\n`));
  try {
    await runTraining(await trainingJobFromFlags(withDefaultThreads(absoluteUserPaths(flags))), {
      signal: stop.signal,
    });
  } catch (error) {
    // A requested stop is not an error: its own line, and the shell's exit status for the signal.
    if (!(error instanceof TrainingInterruptedError)) throw error;
    process.stderr.write(`${PROGRAM}: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } finally {
    stop.dispose();
  }
}

runCli(() => main(process.argv.slice(2)), PROGRAM);
