import { describe, expect, it } from 'vitest';
import { Rng } from '@apdet/rng';
import { type AssignResult, chooseWithoutReplacement, pseudoSample, randomSample } from '../../src/index.js';

function fakeAssign(gtIndex: number[], numGts: number): AssignResult {
  return { numGts, gtIndex: Int32Array.from(gtIndex), maxOverlaps: new Float64Array(gtIndex.length), labels: null };
}

// 10 positives (GT 1 or 2), 100 negatives, 5 ignored
const ASSIGN = fakeAssign(
  [...Array.from({ length: 10 }, (_, i) => 1 + (i % 2)), ...Array(100).fill(0), ...Array(5).fill(-1)],
  2,
);

describe('pseudo sampler', () => {
  it('uses every positive and negative, never ignored ones', () => {
    const s = pseudoSample(ASSIGN);
    expect(s.positives.length).toBe(10);
    expect(s.negatives.length).toBe(100);
    expect(Array.from(s.positiveGt.subarray(0, 4))).toEqual([0, 1, 0, 1]);
    expect(s.numGtProposals).toBe(0);
  });
});

describe('random sampler', () => {
  it('takes ⌊num·posFraction⌋ positives at most and fills with negatives', () => {
    const s = randomSample(ASSIGN, { num: 16, posFraction: 0.25 }, Rng.from(1));
    expect(s.positives.length).toBe(4);
    expect(s.negatives.length).toBe(12);
    const few = randomSample(ASSIGN, { num: 64, posFraction: 0.5 }, Rng.from(1));
    expect(few.positives.length).toBe(10); // all positives
    expect(few.negatives.length).toBe(54);
    for (const i of few.negatives) expect(ASSIGN.gtIndex[i]).toBe(0);
    expect(new Set(few.negatives).size).toBe(54);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = randomSample(ASSIGN, { num: 20, posFraction: 0.5 }, Rng.from(42));
    const b = randomSample(ASSIGN, { num: 20, posFraction: 0.5 }, Rng.from(42));
    const c = randomSample(ASSIGN, { num: 20, posFraction: 0.5 }, Rng.from(43));
    expect(Array.from(a.negatives)).toEqual(Array.from(b.negatives));
    expect(Array.from(a.negatives)).not.toEqual(Array.from(c.negatives));
  });

  it('caps negatives with negPosUb', () => {
    const s = randomSample(ASSIGN, { num: 100, posFraction: 0.05, negPosUb: 3 }, Rng.from(1));
    expect(s.positives.length).toBe(5);
    expect(s.negatives.length).toBe(15);
    const none = randomSample(fakeAssign([0, 0, 0, 0], 0), { num: 4, posFraction: 0.5, negPosUb: 2 }, Rng.from(1));
    expect(none.negatives.length).toBe(2); // max(1, 0 positives)·2
  });

  it('adds GT boxes as proposals in front (index < numGtProposals is the GT itself)', () => {
    const s = randomSample(fakeAssign([0, 0, 0], 2), { num: 4, posFraction: 0.5, addGtAsProposals: true }, Rng.from(1));
    expect(s.numGtProposals).toBe(2);
    expect(Array.from(s.positives)).toEqual([0, 1]);
    expect(Array.from(s.positiveGt)).toEqual([0, 1]);
    expect(Array.from(s.negatives).every((i) => i >= 2)).toBe(true);
  });

  it('draws uniformly (each of 8 items chosen ≈ 3/8 of the time)', () => {
    const rng = Rng.from(7);
    const counts = new Array(8).fill(0);
    const pool = Int32Array.from({ length: 8 }, (_, i) => i);
    for (let t = 0; t < 8000; t++) for (const i of chooseWithoutReplacement(pool, 3, rng)) counts[i]++;
    for (const c of counts) expect(Math.abs(c - 3000)).toBeLessThan(200); // ~5 σ
  });

  it('rejects bad options', () => {
    expect(() => randomSample(ASSIGN, { num: -1, posFraction: 0.5 }, Rng.from(1))).toThrow(/num/);
    expect(() => randomSample(ASSIGN, { num: 4, posFraction: 1.5 }, Rng.from(1))).toThrow(/posFraction/);
  });
});
