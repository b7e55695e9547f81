// Reading the oracle fixtures written by tools/make-oracle.py, and the comparisons the oracle
// tests share (tolerances stated where they are used).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** The `cases` of test/fixtures/<name>.json. */
export function oracleCases<T>(name: string): T[] {
  const file = fileURLToPath(new URL(`./fixtures/${name}.json`, import.meta.url));
  return (JSON.parse(readFileSync(file, 'utf8')) as { cases: T[] }).cases;
}

/**
 * Box coordinates (pixels): |ours − oracle| ≤ 1e-4 · max(1, |oracle|). The oracle is float32 torch
 * arithmetic, ours float64 rounded to float32: they differ by a few float32 ulps (~1e-6 relative).
 */
export function expectBoxesClose(ours: ArrayLike<number>, oracle: readonly number[], what: string): void {
  expectClose(ours, oracle, { rtol: 1e-4, atol: 1e-4 }, what);
}

/** |ours − oracle| ≤ rtol·|oracle| + atol, element by element, lengths equal. */
export function expectClose(
  ours: ArrayLike<number>,
  oracle: readonly number[],
  tol: { rtol: number; atol: number },
  what: string,
): void {
  expect(ours.length, `${what}: length`).toBe(oracle.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < oracle.length; i++) {
    const excess = Math.abs(ours[i] - oracle[i]) - (tol.rtol * Math.abs(oracle[i]) + tol.atol);
    if (!(excess <= worstExcess)) [worst, worstExcess] = [i, excess];
  }
  if (worst >= 0) expect.fail(`${what}: element ${worst} is ${ours[worst]}, oracle ${oracle[worst]}`);
}

/** Box `i` of a flat xyxy array. */
export function boxAt(boxes: ArrayLike<number>, i: number): number[] {
  return [boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]];
}
