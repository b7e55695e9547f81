/** Shared test helpers: oracle fixtures, backend selection, tolerance checks. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { expect } from 'vitest';

export interface OracleTensor { shape: number[]; dtype: string; data: number[] }
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

/** Deterministic uniform numbers for tests (mulberry32). */
export function testRng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random xyxy boxes with positive size inside [0, span]. */
export function randomBoxes(n: number, rng: () => number, span = 100): Float64Array {
  const out = new Float64Array(4 * n);
  for (let i = 0; i < n; i++) {
    const x = rng() * span;
    const y = rng() * span;
    out.set([x, y, x + 1 + rng() * span * 0.5, y + 1 + rng() * span * 0.5], 4 * i);
  }
  return out;
}

/** Rounds every element to float32 (so float32 tensors and float64 references see the same inputs). */
export function toF32Values(a: ArrayLike<number>): Float64Array {
  return Float64Array.from(a, (v) => Math.fround(v));
}
