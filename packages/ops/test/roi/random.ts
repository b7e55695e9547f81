// The package's own seeded PRNG (mulberry32): random tests are reproducible.
export { createRng as rng } from '../../src/assign/rng.js';

/** `count` values, uniform in [lo, hi), rounded to float32. */
export function uniform(rand: () => number, count: number, lo = -1, hi = 1): number[] {
  return Array.from({ length: count }, () => Math.fround(lo + (hi - lo) * rand()));
}

/** Random RoIs (batchIndex, x1, y1, x2, y2) from tiny to larger than the image, some partly outside. */
export function randomRois(rand: () => number, count: number, images: number, imageSize: number): number[][] {
  return Array.from({ length: count }, () => {
    const size = Math.fround(imageSize * Math.pow(2, -6 + 7 * rand()));
    const aspect = Math.pow(2, -1.5 + 3 * rand());
    const w = size * Math.sqrt(aspect);
    const h = size / Math.sqrt(aspect);
    const cx = -0.2 * imageSize + 1.4 * imageSize * rand();
    const cy = -0.2 * imageSize + 1.4 * imageSize * rand();
    const b = Math.floor(rand() * images);
    return [b, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2].map(Math.fround);
  });
}
