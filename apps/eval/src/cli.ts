/**
 * apdet-eval: parses flags and dispatches to a mode. Today there is one mode (a GT file and a
 * detections file); later modes (evaluating a run or a checkpoint) plug into `MODES`.
 */
import { UserError, runCli } from '@apdet/io';
import { parseArgs } from 'node:util';
import { runExampleMode } from './example-mode.js';
import { runGtDtMode } from './gt-dt-mode.js';
import { hasRuns, runRunMode } from './run-mode.js';

export const USAGE = `usage: apdet-eval --gt <instances.json> --dt <detections.json> [--use-cats 0|1] [--out result.json] [--timing-json timing.json]
       apdet-eval [--run <run dir> | --checkpoint <file>] [--data <dir>] [--backend wasm|cpu|tensorflow] [--out result.json]
       apdet-eval [--out result.json]   (no flags: the newest run under runs/, else the bundled example)

  --gt            COCO instances JSON (images, categories, annotations)
  --dt            COCO results JSON: [{image_id, category_id, bbox: [x, y, w, h], score}]
  --use-cats      1 (default) matches within a category; 0 ignores categories (pycocotools useCats)
  --out           write stats and per-category AP as JSON (atomic write)
  --timing-json   write phase timings and peak memory (maxRSS) as JSON
  --run           a training run folder: evaluate its best checkpoint on its val set
  --checkpoint    a checkpoint file of a run (its folder holds manifest.json)
  --data          another dataset folder (instances_val.json + val/) for --run/--checkpoint
  --backend       tfjs backend for --run/--checkpoint (default: tensorflow, then wasm, then cpu)
  -h, --help      show this help`;

const OPTIONS = {
  gt: { type: 'string' },
  dt: { type: 'string' },
  'use-cats': { type: 'string' },
  out: { type: 'string' },
  'timing-json': { type: 'string' },
  run: { type: 'string' },
  checkpoint: { type: 'string' },
  data: { type: 'string' },
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type Flags = ReturnType<typeof parseFlags>;

export function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // util.parseArgs throws TypeErrors with a code for unknown flags and missing values: user errors
    throw new UserError(`${error instanceof Error ? error.message : String(error)} (see apdet-eval --help)`);
  }
}

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

export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv);
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const mode = MODES.find((m) => m.applies(flags))!;
  await mode.run(flags);
}

runCli(() => main(process.argv.slice(2)), 'apdet-eval');
