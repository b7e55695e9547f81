import { UserError } from '@apdet/io';

/**
 * Control points of one piecewise-linear function, x/y interleaved:
 * `[x0, y0, x1, y1, …]` with 4, 6 or 8 points (8, 12 or 16 numbers), as in the official
 * `paploss._linear`.
 */
export type CtrlPoints = readonly number[];

/** Numbers per control-point row that the official implementation accepts. */
export const CTRL_POINT_LENGTHS: readonly number[] = [8, 12, 16];

/** A validated piecewise-linear function, ready for evaluation. */
export interface PiecewiseLinear {
  /** Knot abscissae x0 = 0 ≤ x1 ≤ … ≤ x_{n-1} = 1. */
  readonly xs: Float64Array;
  /** Knot ordinates, non-decreasing in [0, 1]. */
  readonly ys: Float64Array;
  /** Slope of segment i (between knot i and i+1); 0 for zero-width segments, which are never used. */
  readonly slopes: Float64Array;
  /** How many knots sit at x = 0 (the official `x == 0` rule needs it). */
  readonly zeroCount: number;
}

/**
 * Checks a control-point row and throws a {@link UserError} naming `label` and the offending
 * entry: length 8/12/16, finite numbers, x from exactly 0 to exactly 1 and non-decreasing,
 * y non-decreasing inside [0, 1].
 *
 * Repeated x values are allowed because the θ → control-point map produces them when a search
 * parameter is exactly 0 or 1; the official index rule never selects the zero-width segment
 * they create, except through the `x == 0` rule (a jump at 0, see {@link segmentIndex}).
 */
export function validateCtrlPoints(ctrl: CtrlPoints, label = 'ctrlPoints'): void {
  // Checked through an `unknown` alias: Array.isArray's guard would narrow `ctrl` itself to
  // `any[]` and leave every later read untyped.
  const value: unknown = ctrl;
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) {
    throw new UserError(`${label}: expected an array of 8, 12 or 16 numbers`);
  }
  if (!CTRL_POINT_LENGTHS.includes(ctrl.length)) {
    throw new UserError(`${label}: expected 8, 12 or 16 numbers (x/y interleaved), got ${ctrl.length}`);
  }
  ctrl.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new UserError(`${label}[${i}]: expected a finite number, got ${String(v)}`);
    }
  });
  const n = ctrl.length / 2;
  if (ctrl[0] !== 0) throw new UserError(`${label}: the first x must be 0, got ${ctrl[0]}`);
  if (ctrl[2 * (n - 1)] !== 1) {
    throw new UserError(`${label}: the last x must be 1, got ${ctrl[2 * (n - 1)]}`);
  }
  for (let i = 1; i < n; i++) {
    const [x0, x1] = [ctrl[2 * i - 2], ctrl[2 * i]];
    if (x1 < x0) {
      throw new UserError(`${label}: x must be non-decreasing, but point ${i} has x=${x1} < x=${x0} of point ${i - 1}`);
    }
    const [y0, y1] = [ctrl[2 * i - 1], ctrl[2 * i + 1]];
    if (y1 < y0) {
      throw new UserError(`${label}: y must be non-decreasing, but point ${i} has y=${y1} < y=${y0} of point ${i - 1}`);
    }
  }
  for (let i = 0; i < n; i++) {
    const y = ctrl[2 * i + 1];
    if (y < 0 || y > 1) throw new UserError(`${label}: y of point ${i} is ${y}, outside [0, 1]`);
  }
}

/** Validates `ctrl` ({@link validateCtrlPoints}) and precomputes knots and slopes. */
export function toPiecewiseLinear(ctrl: CtrlPoints, label = 'ctrlPoints'): PiecewiseLinear {
  validateCtrlPoints(ctrl, label);
  return piecewiseLinearFromKnots(
    ctrl.filter((_, i) => i % 2 === 0),
    ctrl.filter((_, i) => i % 2 === 1),
  );
}

/**
 * Builds a function straight from knot arrays (no length restriction; used for the
 * hand-crafted `linear` form, which is the 2-knot identity). Callers validate.
 */
export function piecewiseLinearFromKnots(xsIn: readonly number[], ysIn: readonly number[]): PiecewiseLinear {
  const xs = Float64Array.from(xsIn);
  const ys = Float64Array.from(ysIn);
  const slopes = new Float64Array(xs.length - 1);
  for (let i = 0; i + 1 < xs.length; i++) {
    const width = xs[i + 1] - xs[i];
    // Zero-width segments are unreachable for x > 0, and x == 0 skips them (zeroCount).
    slopes[i] = width > 0 ? (ys[i + 1] - ys[i]) / width : 0;
  }
  let zeroCount = 0;
  while (zeroCount < xs.length && xs[zeroCount] === 0) zeroCount++;
  return { xs, ys, slopes, zeroCount };
}

/**
 * The official segment choice for x ∈ [0, 1]:
 * `#{i : x > x_i} + (x == 0 ? #{i : x_i == 0} : 0) − 1`.
 * So x on an interior knot uses the segment on its LEFT, x = 0 uses the first segment that
 * does not start at a repeated 0, and x = 1 uses the last non-degenerate segment.
 * Throws a RangeError outside [0, 1], where the official code silently indexes out of range.
 */
export function segmentIndex(f: PiecewiseLinear, x: number): number {
  if (!(x >= 0 && x <= 1)) {
    throw new RangeError(`piecewise-linear input ${x} is outside [0, 1]`);
  }
  if (x === 0) return f.zeroCount - 1;
  let above = 0;
  while (above < f.xs.length && x > f.xs[above]) above++;
  return above - 1;
}

/** f(x) with the official index rule (value continuous unless y jumps at repeated knots). */
export function evaluatePiecewiseLinear(f: PiecewiseLinear, x: number): number {
  const i = segmentIndex(f, x);
  return f.slopes[i] * (x - f.xs[i]) + f.ys[i];
}

/** f'(x): the slope of the segment {@link segmentIndex} picks (left slope at interior knots). */
export function piecewiseLinearSlope(f: PiecewiseLinear, x: number): number {
  return f.slopes[segmentIndex(f, x)];
}

/** Convenience: validate `ctrl` and evaluate it at x. */
export function evaluateCtrlPoints(ctrl: CtrlPoints, x: number): number {
  return evaluatePiecewiseLinear(toPiecewiseLinear(ctrl), x);
}
