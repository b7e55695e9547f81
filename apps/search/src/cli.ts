/**
 * apdet-search: `apdet-search <detector> [flags]` runs or resumes a loss search;
 * `apdet-search worker --redis <url>` serves a BullMQ queue (the commands and flags are defined
 * in flags.ts; commander generates `--help` from them). User errors print one line and exit
 * non-zero (runCli).
 */
import { runCli } from '@apdet/io';
import { helpText, parseCommandLine } from './flags.js';
import { searchCommand } from './search-command.js';
import { workerCommand } from './worker-command.js';

export async function main(argv: string[]): Promise<void> {
  const command = parseCommandLine(argv);
  if (command.command === 'help') {
    process.stdout.write(helpText(command.topic));
    return;
  }
  if (command.command === 'worker') return workerCommand(command);
  await searchCommand(command);
}

runCli(() => main(process.argv.slice(2)), 'apdet-search');
