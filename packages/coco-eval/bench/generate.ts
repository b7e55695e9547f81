/**
 * Writes a seeded COCO-val-sized case (default 5,000 images × 80 categories × 100 detections)
 * as gt.json / dt.json into a directory outside the repository.
 *
 *   pnpm exec tsx packages/coco-eval/bench/generate.ts [outDir] [images] [detsPerImage]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateSynthetic } from './synthetic.js';

export function writeSynthetic(
  outDir: string,
  images = 5000,
  detectionsPerImage = 100,
  seed = 20261124,
): { gt: string; dt: string } {
  const { gt, dt } = generateSynthetic({ seed, images, categories: 80, detectionsPerImage });
  mkdirSync(outDir, { recursive: true });
  const files = { gt: path.join(outDir, 'gt.json'), dt: path.join(outDir, 'dt.json') };
  writeFileSync(files.gt, JSON.stringify({ info: { description: `synthetic, seed ${seed}` }, ...gt }));
  writeFileSync(files.dt, JSON.stringify(dt));
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [outDir = '/tmp/apdet-coco-eval-bench/coco5k', images = '5000', dets = '100'] = process.argv.slice(2);
  console.log(writeSynthetic(outDir, Number(images), Number(dets)));
}
