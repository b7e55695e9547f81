import type { Rng } from '@apdet/rng';

/**
 * Chooses `k` distinct elements of `pool` uniformly at random (partial Fisher–Yates on a copy);
 * returns them sorted ascending. If `k ≥ pool.length` the whole pool is returned. Draws `k` values
 * from `rng` when `k < pool.length`, none otherwise.
 *
 * @example
 * import { Rng } from '@apdet/rng';
 *
 * const picked = chooseWithoutReplacement(Int32Array.of(3, 5, 8, 13), 2, Rng.from(seed)); // 2 of the 4, ascending
 */
export function chooseWithoutReplacement(pool: Int32Array, k: number, rng: Rng): Int32Array {
  if (k >= pool.length) return pool.slice().sort();
  const a = pool.slice();
  for (let i = 0; i < k; i++) {
    const j = rng.int(i, a.length);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a.subarray(0, k).sort();
}
