import {
  evaluatePiecewiseLinear,
  piecewiseLinearFromKnots,
  piecewiseLinearSlope,
  type PiecewiseLinear,
} from './piecewise-linear.js';
import type { ResolvedPapOptions } from './options.js';

/** A function of the IoU (I1, I2, I3) with its derivative, in float64. */
export interface ScalarFunction {
  value(u: number): number;
  slope(u: number): number;
}

/**
 * A function H of the score difference d = s_k − s_j, cut into regions on each of which it is
 * a polynomial of degree ≤ 2 in t = d/2 + 0.5 (the unclamped normalised difference).
 *
 * Region r holds the pairs for which threshold predicate r−1 fails and predicate r holds
 * (thresholds are ordered strictest first, so each implies the next). Predicate kinds:
 * 0: `u > v`, 1: `u >= v` (u = d/2 + 0.5 computed exactly as the official code does),
 * 2: `d > v`, 3: `d >= v`. `grad[r]` says whether dH/dd is non-zero there (the clamp passes
 * the gradient only for u ∈ [0, 1], inclusive, like torch's clamp).
 */
export interface DiffRegions {
  readonly kinds: Int8Array;
  readonly thresholds: Float64Array;
  readonly c0: Float64Array;
  readonly c1: Float64Array;
  readonly c2: Float64Array;
  readonly grad: Uint8Array;
  /** Highest polynomial degree used (0, 1 or 2): which prefix moments are needed. */
  readonly degree: number;
}

/** The five functions of one loss form, host side (sigmoid has no region table). */
export interface HostFunctions {
  readonly h2: DiffRegions | null;
  readonly h1: DiffRegions | null;
  readonly i1: ScalarFunction;
  readonly i2: ScalarFunction;
  readonly i3: ScalarFunction;
}

/** Does the predicate of threshold (kind, v) hold for score difference d? */
export function thresholdHolds(kind: number, v: number, d: number): boolean {
  if (kind <= 1) {
    const u = d / 2 + 0.5;
    return kind === 0 ? u > v : u >= v;
  }
  return kind === 2 ? d > v : d >= v;
}

interface Region {
  c0: number;
  c1: number;
  c2: number;
  grad: boolean;
}

function buildRegions(kinds: number[], thresholds: number[], regions: Region[]): DiffRegions {
  const degree = Math.max(...regions.map((r) => (r.c2 !== 0 ? 2 : r.c1 !== 0 ? 1 : 0)));
  return {
    kinds: Int8Array.from(kinds),
    thresholds: Float64Array.from(thresholds),
    c0: Float64Array.from(regions.map((r) => r.c0)),
    c1: Float64Array.from(regions.map((r) => r.c1)),
    c2: Float64Array.from(regions.map((r) => r.c2)),
    grad: Uint8Array.from(regions.map((r) => (r.grad ? 1 : 0))),
    degree,
  };
}

/**
 * Regions of H(clamp(d/2 + 0.5, 0, 1)) for a piecewise-linear H: u > 1 (constant f(1), no
 * gradient), then segment i for u ∈ (x_i, x_{i+1}] from the top down, segment z−1 for
 * u ∈ [0, x_z] (the `x == 0` rule; z = number of knots at 0), and u < 0 (constant f(0)).
 */
export function piecewiseLinearRegions(f: PiecewiseLinear): DiffRegions {
  const n = f.xs.length;
  const z = f.zeroCount;
  const kinds: number[] = [];
  const thresholds: number[] = [];
  const regions: Region[] = [{ c0: evaluatePiecewiseLinear(f, 1), c1: 0, c2: 0, grad: false }];
  for (let i = n - 1; i >= z; i--) {
    kinds.push(0);
    thresholds.push(f.xs[i]);
    const seg = i - 1; // the region just below threshold x_i is segment i−1
    const s = f.slopes[seg];
    regions.push({ c0: f.ys[seg] - s * f.xs[seg], c1: s, c2: 0, grad: true });
  }
  // Segment z−1 (pushed last) is closed below by `u >= 0`: it also takes u = 0 exactly.
  kinds.push(1);
  thresholds.push(0);
  regions.push({ c0: evaluatePiecewiseLinear(f, 0), c1: 0, c2: 0, grad: false });
  return buildRegions(kinds, thresholds, regions);
}

/** t² of the `square` form: 0 below, t² on u ∈ [0, 1], 1 above. */
export function squareRegions(): DiffRegions {
  return buildRegions(
    [0, 1],
    [1, 0],
    [
      { c0: 1, c1: 0, c2: 0, grad: false },
      { c0: 0, c1: 0, c2: 1, grad: true },
      { c0: 0, c1: 0, c2: 0, grad: false },
    ],
  );
}

/** The exact step `sign(d)/2 + 0.5` of the 4-row searched variant (raw d, 0.5 on ties). */
export function signStepRegions(): DiffRegions {
  return buildRegions(
    [2, 3],
    [0, 0],
    [
      { c0: 1, c1: 0, c2: 0, grad: false },
      { c0: 0.5, c1: 0, c2: 0, grad: false },
      { c0: 0, c1: 0, c2: 0, grad: false },
    ],
  );
}

function piecewiseScalar(f: PiecewiseLinear): ScalarFunction {
  return { value: (u) => evaluatePiecewiseLinear(f, u), slope: (u) => piecewiseLinearSlope(f, u) };
}

const identity: ScalarFunction = { value: (u) => u, slope: () => 1 };
const square: ScalarFunction = { value: (u) => u * u, slope: (u) => 2 * u };
const sigmoidOfIou: ScalarFunction = {
  value: (u) => 1 / (1 + Math.exp(-(2 * u - 1))),
  slope: (u) => {
    const s = 1 / (1 + Math.exp(-(2 * u - 1)));
    return 2 * s * (1 - s);
  },
};

/** The identity as a 2-knot piecewise-linear function (the `linear` form's H). */
export const IDENTITY_FUNCTION: PiecewiseLinear = piecewiseLinearFromKnots([0, 1], [0, 1]);

/** Host-side functions of a resolved form. */
export function hostFunctions(options: ResolvedPapOptions): HostFunctions {
  switch (options.form) {
    case 'searched': {
      const fns = options.functions!;
      const h1 = fns.length === 5 ? piecewiseLinearRegions(fns[4]) : signStepRegions();
      return {
        h2: piecewiseLinearRegions(fns[0]),
        h1,
        i2: piecewiseScalar(fns[1]),
        i3: piecewiseScalar(fns[2]),
        i1: piecewiseScalar(fns[3]),
      };
    }
    case 'linear': {
      const h = piecewiseLinearRegions(IDENTITY_FUNCTION);
      return { h2: h, h1: h, i1: identity, i2: identity, i3: identity };
    }
    case 'square': {
      const h = squareRegions();
      return { h2: h, h1: h, i1: square, i2: square, i3: square };
    }
    case 'sigmoid':
      return { h2: null, h1: null, i1: sigmoidOfIou, i2: sigmoidOfIou, i3: sigmoidOfIou };
  }
}
