import { fileURLToPath } from 'node:url';
import type { Flags } from './cli.js';
import { runGtDtMode } from './gt-dt-mode.js';

/**
 * The bundled example: 500 images, 20 categories, ~25k detections (the oracle scenario
 * p14_realistic_500, whose pycocotools numbers are in packages/coco-eval's fixtures). It is what
 * `pnpm nx eval` runs with no flags until a trained detector run exists to evaluate.
 */
export const EXAMPLE_GT = fileURLToPath(new URL('../example/instances.json', import.meta.url));
export const EXAMPLE_DT = fileURLToPath(new URL('../example/detections.json', import.meta.url));

export async function runExampleMode(flags: Flags): Promise<void> {
  process.stdout.write('no --gt/--dt given: evaluating the bundled example (apps/eval/example, 500 images)\n');
  await runGtDtMode({ ...flags, gt: EXAMPLE_GT, dt: EXAMPLE_DT });
}
