import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

export const scenarioNames = (): string[] =>
  readdirSync(FIXTURES)
    .filter((d) => d.startsWith('p'))
    .sort();

/** The oracle's expected.json (pycocotools output), the keys these tests read. */
export interface Expected {
  useCats: 0 | 1;
  stats: number[];
  summary_lines: string[];
  cat_ids: number[];
  per_category_ap: number[];
  per_category_ap50: number[];
  recall: number[][][][];
  recall_shape: number[];
  precision_shape: number[];
  precision_area_all_maxdet100: number[][][];
  params: { iouThrs: number[]; recThrs: number[] };
}

export function loadScenario(name: string): { gt: unknown; dt: unknown; expected: Expected } {
  const read = (file: string) => JSON.parse(readFileSync(path.join(FIXTURES, name, file), 'utf8'));
  return { gt: read('gt.json'), dt: read('dt.json'), expected: read('expected.json') };
}

/** Largest absolute difference, treating equal infinities/NaN-free inputs as usual. */
export function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  return worst;
}
