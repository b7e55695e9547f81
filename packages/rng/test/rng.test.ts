import { describe, expect, it } from 'vitest';
import { Rng } from '../src/index.js';

describe('Rng', () => {
  it('state() / fromState() continue the same stream, through JSON; bad states are rejected', () => {
    const a = Rng.from(42);
    for (let i = 0; i < 5; i++) a.next();
    const saved = JSON.parse(JSON.stringify(a.state()));
    const b = Rng.fromState(saved);
    for (let i = 0; i < 100; i++) expect(b.nextUint32()).toBe(a.nextUint32());
    expect(() => Rng.fromState([1, 2, 3] as never)).toThrow(/4 unsigned 32-bit integers/);
    expect(() => Rng.fromState([1, 2, 3, -1])).toThrow(/4 unsigned 32-bit integers/);
  });

  it('gives the same stream for the same key tuple and different streams otherwise', () => {
    const draw = (rng: Rng) => Array.from({ length: 8 }, () => rng.nextUint32());
    expect(draw(Rng.from(1, 2, 3))).toEqual(draw(Rng.from(1, 2, 3)));
    const base = draw(Rng.from(1, 2, 3));
    for (const other of [
      Rng.from(1, 2, 4),
      Rng.from(1, 3, 3),
      Rng.from(2, 2, 3),
      Rng.from(1, 2),
      Rng.from(1, 2, 3, 0),
      Rng.from(1 + 2 ** 32, 2, 3),
    ]) {
      expect(draw(other)).not.toEqual(base);
    }
  });

  it('is uniform on [0, 1) and normal() has mean 0, variance 1 (loose statistical checks)', () => {
    const rng = Rng.from(7);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    const bins = new Array<number>(10).fill(0);
    let nSum = 0;
    let nSq = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      sumSq += u * u;
      bins[Math.floor(u * 10)]++;
      const z = rng.normal();
      nSum += z;
      nSq += z * z;
    }
    expect(outside).toBe(0);
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(sumSq / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 2);
    for (const b of bins) expect(Math.abs(b - n / 10)).toBeLessThan(600); // ~4.5 sigma
    expect(nSum / n).toBeCloseTo(0, 1);
    expect(nSq / n).toBeCloseTo(1, 1);
  });

  it('int() covers [low, high) and shuffle() is a permutation', () => {
    const rng = Rng.from(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.int(2, 9));
    expect([...seen].sort()).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const items = Array.from({ length: 50 }, (_, i) => i);
    expect(rng.shuffle([...items]).sort((a, b) => a - b)).toEqual(items);
  });

  it('rejects keys that are not safe integers', () => {
    expect(() => Rng.from(0.5)).toThrow(/safe integer/);
  });
});
