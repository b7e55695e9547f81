/**
 * apdet-eval: parses flags (flags.ts; commander generates `--help` from them) and dispatches to a
 * mode: a GT file and a detections file, a training run or checkpoint, or the bundled example.
 * Paths on the command line are the user's, also under `pnpm nx eval`, which runs this in the
 * workspace root (@apdet/train's user-paths.ts).
 */
import { runCli } from '@apdet/io';
import { withUserPaths } from '@apdet/train';
import { runExampleMode } from './example-mode.js';
import { helpText, parseFlags, type Flags } from './flags.js';
import { runGtDtMode } from './gt-dt-mode.js';
import { hasRuns, runRunMode } from './run-mode.js';

export type { Flags } from './flags.js';

/** A mode claims the flags it needs; the first whose `applies` is true runs. */
interface Mode {
  applies(flags: Flags): boolean;
  run(flags: Flags): Promise<void>;
}

const MODES: Mode[] = [
  { applies: (f) => f.gt !== undefined || f.dt !== undefined, run: runGtDtMode },
  { applies: (f) => f.run !== undefined || f.checkpoint !== undefined, run: runRunMode },
  // No input flags: the newest training run under runs/ if there is one, else the bundled example.
  { applies: () => hasRuns(), run: runRunMode },
  { applies: () => true, run: runExampleMode },
];

/** The flags that name files or folders. */
const PATH_FLAGS = ['gt', 'dt', 'out', 'timing-json', 'run', 'checkpoint', 'data'] as const;

export async function main(argv: string[]): Promise<void> {
  const flags = withUserPaths('eval', parseFlags(argv), PATH_FLAGS);
  if (flags.help) {
    process.stdout.write(helpText());
    return;
  }
  const mode = MODES.find((m) => m.applies(flags))!;
  await mode.run(flags);
}

runCli(() => main(process.argv.slice(2)), 'apdet-eval');
