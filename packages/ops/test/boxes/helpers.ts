/** Shared test helpers: oracle fixtures, backend selection, tolerance checks. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Rng } from '@apdet/rng';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { expect } from 'vitest';

export interface OracleTensor {
  shape: number[];
  dtype: string;
  data: number[];
}
export interface OracleCase {
  op: string;
  name: string;
  inputs: Record<string, OracleTensor>;
  params: Record<string, number>;
  outputs: Record<string, OracleTensor | number[]>;
}

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'ops-d1');

export function loadCase(name: string): OracleCase {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as OracleCase;
}

export const BACKENDS = ['cpu', 'wasm'] as const;

export async function useBackend(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`could not select tfjs backend ${name}`);
}

/** Largest |a−b| / (|b| + floor) over the arrays; asserts equal lengths. */
export function maxRelError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-6): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(actual[i] - expected[i]) / (Math.abs(expected[i]) + floor);
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : Math.max(worst, e);
  }
  return worst;
}

/** Random xyxy boxes with positive size inside [0, 1.5·span + 1], drawn from `rng` (@apdet/rng). */
export function randomBoxes(n: number, rng: Rng, span = 100): Float64Array {
  const out = new Float64Array(4 * n);
  for (let i = 0; i < n; i++) {
    const x = rng.uniform(0, span);
    const y = rng.uniform(0, span);
    out.set([x, y, x + 1 + rng.uniform(0, span * 0.5), y + 1 + rng.uniform(0, span * 0.5)], 4 * i);
  }
  return out;
}

/** Rounds every element to float32 (so float32 tensors and float64 references see the same inputs). */
export function toF32Values(a: ArrayLike<number>): Float64Array {
  return Float64Array.from(a, (v) => Math.fround(v));
}
