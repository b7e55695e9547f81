/**
 * Small seeded PRNG (mulberry32) for reproducible sampling. Not cryptographic; period 2^32,
 * which is plenty for choosing a few hundred anchors per image.
 */
export type Rng = () => number;

/** Returns a function producing uniform floats in [0, 1), deterministic for a given seed. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Chooses `k` distinct elements of `pool` uniformly at random (partial Fisher–Yates on a copy);
 * returns them sorted ascending. If `k ≥ pool.length` the whole pool is returned.
 */
export function chooseWithoutReplacement(pool: Int32Array, k: number, rng: Rng): Int32Array {
  if (k >= pool.length) return pool.slice().sort();
  const a = pool.slice();
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng() * (a.length - i));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a.subarray(0, k).sort();
}
