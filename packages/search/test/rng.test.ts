import { describe, expect, it } from 'vitest';
import { SearchRng, proxySeed } from '../src/rng.js';

describe('SearchRng', () => {
  it('state() / fromState() continue the same stream (through JSON)', () => {
    const a = SearchRng.from(42);
    for (let i = 0; i < 5; i++) a.next();
    const saved = JSON.parse(JSON.stringify(a.state()));
    const b = SearchRng.fromState(saved);
    for (let i = 0; i < 100; i++) expect(b.next()).toBe(a.next());
  });

  it('is uniform on [0, 1): mean and variance over 100k draws within 5 standard errors', () => {
    const rng = SearchRng.from(7);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      sumSq += u * u;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(sumSq / n - sum * sum / n / n - 1 / 12)).toBeLessThan(0.002);
  });

  it('different keys give different streams; bad states are rejected', () => {
    expect(SearchRng.from(1).next()).not.toBe(SearchRng.from(2).next());
    expect(() => SearchRng.fromState([1, 2, 3] as never)).toThrow(/4 unsigned 32-bit integers/);
  });

  it('proxy seeds depend only on (search seed, round, sample) and are distinct 31-bit integers', () => {
    expect(proxySeed(42, 3, 5)).toBe(proxySeed(42, 3, 5));
    const seeds = new Set<number>();
    for (let r = 0; r < 40; r++) for (let s = 0; s < 8; s++) seeds.add(proxySeed(42, r, s));
    expect(seeds.size).toBe(320);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 31).toBe(true);
    expect(proxySeed(43, 3, 5)).not.toBe(proxySeed(42, 3, 5));
  });
});
