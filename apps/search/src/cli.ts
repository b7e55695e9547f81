/**
 * apdet-search: `apdet-search <detector> [flags]` runs or resumes a loss search;
 * `apdet-search worker --redis <url>` serves a BullMQ queue (see USAGE in flags.ts). User
 * errors print one line and exit non-zero (runCli).
 */
import { runCli } from '@apdet/io';
import { parseCommandLine, USAGE } from './flags.js';
import { searchCommand } from './search-command.js';
import { workerCommand } from './worker-command.js';

export async function main(argv: string[]): Promise<void> {
  const command = parseCommandLine(argv);
  if (command.command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command.command === 'worker') return workerCommand(command);
  await searchCommand(command);
}

runCli(() => main(process.argv.slice(2)), 'apdet-search');
