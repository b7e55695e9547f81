import { describe, expect, it } from 'vitest';
import { proxySeed } from '../src/rng.js';

describe('proxySeed', () => {
  it('depends only on (search seed, round, sample) and gives distinct 31-bit integers', () => {
    expect(proxySeed(42, 3, 5)).toBe(proxySeed(42, 3, 5));
    const seeds = new Set<number>();
    for (let r = 0; r < 40; r++) for (let s = 0; s < 8; s++) seeds.add(proxySeed(42, r, s));
    expect(seeds.size).toBe(320);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 31).toBe(true);
    expect(proxySeed(43, 3, 5)).not.toBe(proxySeed(42, 3, 5));
  });
});
