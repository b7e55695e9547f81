/**
 * apdet-train: `apdet-train <detector> [flags]` (the flags are defined in flags.ts; commander
 * generates `--help` from them). User errors print one line and exit non-zero (runCli).
 */
import { runCli } from '@apdet/io';
import { helpText, parseFlags, withDefaultThreads } from './flags.js';
import { runTraining, trainingJobFromFlags } from './run.js';

export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv);
  if (flags.help) {
    process.stdout.write(helpText());
    return;
  }
  await runTraining(await trainingJobFromFlags(withDefaultThreads(flags)));
}

runCli(() => main(process.argv.slice(2)), 'apdet-train');
