import { describe, expect, it } from 'vitest';
import { Rng } from '@apdet/rng';
import { assignmentCost, linearSumAssignment } from '../../src/index.js';

/** Minimum over all injective maps rows→cols (r ≤ c) or cols→rows, by exhaustive search. */
function bruteForceMin(cost: number[][]): number {
  const r = cost.length,
    c = cost[0]?.length ?? 0;
  const m = cost.length <= c ? cost : cost[0].map((_, j) => cost.map((row) => row[j]));
  const rows = Math.min(r, c),
    cols = Math.max(r, c);
  const used = new Uint8Array(cols);
  let best = Infinity;
  const go = (i: number, acc: number) => {
    if (i === rows) {
      best = Math.min(best, acc);
      return;
    }
    for (let j = 0; j < cols; j++)
      if (!used[j]) {
        used[j] = 1;
        go(i + 1, acc + m[i][j]);
        used[j] = 0;
      }
  };
  go(0, 0);
  return best;
}

/**
 * Independent optimum for larger sizes: the classic O(n²m) Hungarian method with potentials
 * over a 1-indexed "way" array (a different formulation from the solver under test, which
 * works on 0-indexed shortest-path trees with a column pool). Requires n ≤ m.
 */
function classicHungarianCost(a: number[][]): number {
  const n = a.length,
    m = a[0].length;
  const u = new Array(n + 1).fill(0),
    v = new Array(m + 1).fill(0);
  const p = new Array(m + 1).fill(0),
    way = new Array(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Array(m + 1).fill(Infinity);
    const used = new Array(m + 1).fill(false);
    do {
      used[j0] = true;
      const i0 = p[j0];
      let delta = Infinity,
        j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = a[i0 - 1][j - 1] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  let total = 0;
  for (let j = 1; j <= m; j++) if (p[j] !== 0) total += a[p[j] - 1][j - 1];
  return total;
}

function randomMatrix(r: number, c: number, rng: Rng, ints: boolean): number[][] {
  return Array.from({ length: r }, () => Array.from({ length: c }, () => (ints ? rng.int(0, 4) : rng.uniform(-3, 7))));
}

function expectValid(cost: number[][], a: { rows: number[]; cols: number[] }) {
  const k = Math.min(cost.length, cost[0]?.length ?? 0);
  expect(a.rows.length).toBe(k);
  expect(a.cols.length).toBe(k);
  expect(new Set(a.rows).size).toBe(k);
  expect(new Set(a.cols).size).toBe(k);
  for (let i = 1; i < k; i++) expect(a.rows[i]).toBeGreaterThan(a.rows[i - 1]);
}

describe('linearSumAssignment', () => {
  it('solves the scipy documentation example', () => {
    const cost = [
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ];
    expect(linearSumAssignment(cost)).toEqual({ rows: [0, 1, 2], cols: [1, 0, 2] });
  });

  it('equals brute force on random square matrices up to 8×8 (floats and small ints with ties)', () => {
    const rng = Rng.from(21);
    for (let n = 1; n <= 8; n++) {
      const trials = n <= 6 ? 20 : 3;
      for (let t = 0; t < trials; t++)
        for (const ints of [false, true]) {
          const cost = randomMatrix(n, n, rng, ints);
          const a = linearSumAssignment(cost);
          expectValid(cost, a);
          expect(assignmentCost(cost, a)).toBeCloseTo(bruteForceMin(cost), 9);
        }
    }
  });

  it('is optimal on rectangular matrices (both orientations), rows sorted as scipy', () => {
    const rng = Rng.from(22);
    for (const [r, c] of [
      [1, 5],
      [5, 1],
      [2, 7],
      [7, 2],
      [3, 6],
      [6, 3],
      [4, 7],
      [7, 4],
      [5, 8],
      [8, 5],
    ]) {
      for (const ints of [false, true]) {
        const cost = randomMatrix(r, c, rng, ints);
        const a = linearSumAssignment(cost);
        expectValid(cost, a);
        expect(assignmentCost(cost, a)).toBeCloseTo(bruteForceMin(cost), 9);
      }
    }
  });

  it('matches an independent classic Hungarian implementation on larger rectangular matrices', () => {
    const rng = Rng.from(24);
    for (const [r, c] of [
      [30, 50],
      [50, 30],
      [64, 64],
      [100, 20],
      [20, 100],
    ]) {
      for (const ints of [false, true]) {
        const cost = randomMatrix(r, c, rng, ints);
        const a = linearSumAssignment(cost);
        expectValid(cost, a);
        const wide = r <= c ? cost : cost[0].map((_, j) => cost.map((row) => row[j]));
        expect(assignmentCost(cost, a)).toBeCloseTo(classicHungarianCost(wide), 9);
      }
    }
  });

  it('treats +Infinity as forbidden and reports infeasibility', () => {
    const I = Infinity;
    const a = linearSumAssignment([
      [I, 1, I],
      [2, I, I],
    ]);
    expect(a).toEqual({ rows: [0, 1], cols: [1, 0] });
    const t = linearSumAssignment([
      [1, 2],
      [I, 3],
      [I, I],
    ]);
    expect(
      assignmentCost(
        [
          [1, 2],
          [I, 3],
          [I, I],
        ],
        t,
      ),
    ).toBe(4);
    expect(() =>
      linearSumAssignment([
        [I, 1],
        [I, 2],
      ]),
    ).toThrow(/infeasible/);
  });

  it('rejects NaN, −Infinity and ragged rows; accepts empty matrices', () => {
    expect(() => linearSumAssignment([[1, NaN]])).toThrow(/cost\[0\]\[1\] = NaN/);
    expect(() => linearSumAssignment([[1], [-Infinity]])).toThrow(/cost\[1\]\[0\] = -Infinity/);
    expect(() => linearSumAssignment([[1, 2], [3]])).toThrow(/row 1 has 1 entries, expected 2/);
    expect(linearSumAssignment([])).toEqual({ rows: [], cols: [] });
    expect(linearSumAssignment([[], []])).toEqual({ rows: [], cols: [] });
  });

  it('handles a DETR-sized problem (300 × 20) with a valid, dual-certified assignment', () => {
    // Certificate: for the planted assignment below, no other assignment can be cheaper,
    // because every planted entry is the unique minimum of its column and columns are disjoint.
    const rng = Rng.from(23);
    const cost = randomMatrix(300, 20, rng, false).map((row) => row.map((v) => v + 10));
    const planted = Array.from({ length: 20 }, (_, j) => 15 * j + 7);
    planted.forEach((i, j) => {
      cost[i][j] = -5;
    });
    const a = linearSumAssignment(cost);
    expect(a.rows).toEqual(planted);
    expect(a.cols).toEqual(Array.from({ length: 20 }, (_, j) => j));
  });
});
