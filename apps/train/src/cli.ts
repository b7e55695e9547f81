/**
 * apdet-train: `apdet-train <detector> [flags]` (see USAGE in flags.ts). User errors print one
 * line and exit non-zero (runCli).
 */
import { runCli } from '@apdet/io';
import { describeLosses } from '@apdet/losses';
import { parseFlags, USAGE, withDefaultThreads } from './flags.js';
import { runTraining } from './run.js';

export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv);
  if (flags.help) {
    process.stdout.write(`${USAGE}\n\nlosses:\n${describeLosses()}\n`);
    return;
  }
  await runTraining(withDefaultThreads(flags));
}

runCli(() => main(process.argv.slice(2)), 'apdet-train');
