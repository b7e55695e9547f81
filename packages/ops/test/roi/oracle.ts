import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** A tensor as the oracle stores it: flat row-major data. */
export interface OracleTensor {
  shape: number[];
  dtype: string;
  data: number[];
}

/** One oracle case file (shared/oracle/ops schema). */
export interface OracleCase {
  op: string;
  name: string;
  inputs: Record<string, unknown>; // OracleTensor or plain JSON
  params: Record<string, unknown>;
  outputs: Record<string, OracleTensor>;
}

/** All `*.json` cases in test/fixtures/<dir>, sorted by name. */
export function loadCases(dir: string): OracleCase[] {
  const root = fileURLToPath(new URL(`../fixtures/${dir}/`, import.meta.url));
  return readdirSync(root)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(root + f, 'utf8')) as OracleCase);
}

/**
 * The tolerance rule of these tests ("1e-5 relative in float32"), per tensor:
 *   max_i |a_i − e_i| ≤ rtol · max_j |e_j|,   rtol = 1e-5,
 * with e the float64 oracle. It is relative to the tensor's largest magnitude, not per
 * element: bins and gradients that are sums of cancelling terms can be tiny, and there even
 * torchvision's own float32 run is off by up to 1.6e-4 relative (its float32 output meets
 * the rule above with margin: worst 6.9e-7, see the test "oracle float32 meets the rule").
 * Returns the achieved max_i |a_i − e_i| / max_j |e_j|.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rtol = 1e-5): number {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= worst)) {
      worst = err;
      worstAt = i;
    }
  }
  const relative = scale > 0 ? worst / scale : worst;
  if (!(relative <= rtol)) {
    expect.fail(
      `${what}: element ${worstAt} is ${actual[worstAt]}, expected ${expected[worstAt]} (error ${relative.toExponential(2)} of max |expected| ${scale}, tolerance ${rtol})`,
    );
  }
  return relative;
}

/** Row-major transpose of a flat tensor. */
export function transposeFlat(data: ArrayLike<number>, shape: number[], perm: number[]): Float64Array {
  const outShape = perm.map((p) => shape[p]);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float64Array(data.length);
  const idx = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < idx.length; d++) src += idx[d] * strides[perm[d]];
    out[o] = data[src];
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}
