// Random inputs for the RoIAlign / deformable-attention tests, drawn from apdet's one seeded
// generator (packages/rng/README.md), so every random test is reproducible.
import type { Rng } from '@apdet/rng';

/** `count` values, uniform in [lo, hi), rounded to float32. */
export function uniform(rand: Rng, count: number, lo = -1, hi = 1): number[] {
  return Array.from({ length: count }, () => Math.fround(rand.uniform(lo, hi)));
}

/** Random RoIs (batchIndex, x1, y1, x2, y2) from tiny to larger than the image, some partly outside. */
export function randomRois(rand: Rng, count: number, images: number, imageSize: number): number[][] {
  return Array.from({ length: count }, () => {
    const size = Math.fround(imageSize * Math.pow(2, rand.uniform(-6, 1)));
    const aspect = Math.pow(2, rand.uniform(-1.5, 1.5));
    const w = size * Math.sqrt(aspect);
    const h = size / Math.sqrt(aspect);
    const cx = rand.uniform(-0.2 * imageSize, 1.2 * imageSize);
    const cy = rand.uniform(-0.2 * imageSize, 1.2 * imageSize);
    const b = rand.int(0, images);
    return [b, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2].map(Math.fround);
  });
}
