import { describe, expect, it } from 'vitest';
import { selectPairs } from '../../src/index.js';
import { radixSortByKey, ascendingKey } from '../../src/pap/radix-sort.js';
import { Rng } from '@apdet/rng';
import { loadPapCases } from './helpers.js';

function naiveTop(logits: Float32Array, targets: Int32Array, k: number): number[] {
  const valid = Array.from(logits.keys()).filter((i) => targets[i] !== -1);
  valid.sort((a, b) => logits[b] - logits[a]);
  return valid.length > k ? valid.slice(0, k) : valid;
}

describe('pair selection (radix top-K)', () => {
  it('radix sort orders float32 keys numerically, signs and zeros included', () => {
    const values = Float32Array.of(3, -0, 0, -2.5, 1e-30, -1e-30, 7e20, -7e20, 0.1, -0.1);
    const bits = new Uint32Array(values.buffer);
    const keys = Uint32Array.from(bits, ascendingKey);
    const order = radixSortByKey(keys, Int32Array.from(values.keys()));
    const sorted = Array.from(order, (i) => values[i]);
    expect(sorted).toEqual([...values].sort((a, b) => a - b));
  });
  it('rows are the top-K valid logits in descending order; columns every positive ascending', () => {
    const rand = Rng.from(3);
    for (const [n, k] of [
      [1000, 50],
      [1000, 999],
      [1000, 5000],
      [5000, 4096],
    ]) {
      const logits = Float32Array.from({ length: n }, () => (rand.next() - 0.5) * 20);
      const targets = Int32Array.from({ length: n }, () => Math.floor(rand.next() * 3) - 1);
      const sel = selectPairs(logits, targets, k);
      const expected = naiveTop(logits, targets, k);
      expect(sel.rows.length).toBe(expected.length);
      expect(Array.from(sel.rows, (i) => logits[i])).toEqual(expected.map((i) => logits[i]));
      expect(new Set(sel.rows)).toEqual(new Set(expected));
      const pos = Array.from(targets.keys()).filter((i) => targets[i] === 1);
      expect(new Set(sel.cols)).toEqual(new Set(pos));
      const colLogits = Array.from(sel.cols, (i) => logits[i]);
      expect(colLogits).toEqual([...colLogits].sort((a, b) => a - b));
      expect(sel.topKApplied).toBe(sel.numValid > k);
    }
  });
  it('flags non-finite valid logits, ignores non-finite ignored ones', () => {
    const t = Int32Array.of(1, 0, -1);
    expect(selectPairs(Float32Array.of(0, NaN, 0), t, 10).nonFinite).toBe(true);
    expect(selectPairs(Float32Array.of(0, 1, Infinity), t, 10).nonFinite).toBe(false);
  });
  it('oracle cases with topk_applied: the rows are exactly torch.topk’s selected_indices', () => {
    const cases = loadPapCases().filter((c) => c.info.topk_applied);
    expect(cases.length).toBeGreaterThanOrEqual(4);
    for (const c of cases) {
      const sel = selectPairs(Float32Array.from(c.inputs.logits), Int32Array.from(c.inputs.targets), c.inputs.num_topk);
      expect(sel.topKApplied).toBe(true);
      expect(new Set(sel.rows)).toEqual(new Set(c.info.selected_indices));
      // torch.topk returns them sorted descending, as the rows are
      const byValue = (idx: ArrayLike<number>) => Array.from(idx, (i) => c.inputs.logits[i]);
      expect(byValue(sel.rows)).toEqual(byValue(c.info.selected_indices!));
    }
  });
});
