import { UserError } from '@apdet/io';
import { validateCtrlPoints, type CtrlPoints } from './piecewise-linear.js';

/**
 * Search parameters θ ∈ [0,1]^m → control points (docs/spec/paper-spec.md §4.2, `convert_theta_coordinate`).
 * θ holds (Δx, Δy) fractions of the remaining distance to 1 for each interior point:
 * `(x_i, y_i) = (x_{i-1} + θ_{2i-2}(1 − x_{i-1}), y_{i-1} + θ_{2i-1}(1 − y_{i-1}))`, starting at
 * (0, 0); the points (0,0) and (1,1) are then added at the ends. So m = 8 gives the released
 * 12-number rows, m = 4 and m = 12 the 8- and 16-number variants. The result is always a
 * monotone map [0,1] → [0,1] with f(0) = 0 and f(1) = 1.
 */
export function thetaToCtrlPoints(theta: readonly number[]): number[] {
  if (![4, 8, 12].includes(theta.length)) {
    throw new UserError(`theta: expected 4, 8 or 12 numbers, got ${theta.length}`);
  }
  theta.forEach((t, i) => {
    if (!(t >= 0 && t <= 1)) throw new UserError(`theta[${i}] = ${t} is outside [0, 1]`);
  });
  const ctrl = [0, 0];
  let [x, y] = [0, 0];
  for (let i = 0; i < theta.length; i += 2) {
    x += theta[i] * (1 - x);
    y += theta[i + 1] * (1 - y);
    ctrl.push(x, y);
  }
  ctrl.push(1, 1);
  return ctrl;
}

/**
 * The inverse of {@link thetaToCtrlPoints}: `θ_{2i-2} = (x_i − x_{i−1}) / (1 − x_{i−1})`, same
 * for y. Needs the (0,0) and (1,1) end points. Where x_{i−1} (or y_{i−1}) is already 1 every θ
 * gives the same point; 0 is returned there.
 */
export function ctrlPointsToTheta(ctrl: CtrlPoints, label = 'ctrlPoints'): number[] {
  validateCtrlPoints(ctrl, label);
  const n = ctrl.length / 2;
  if (ctrl[1] !== 0 || ctrl[2 * n - 1] !== 1) {
    throw new UserError(`${label}: θ exists only for functions with f(0) = 0 and f(1) = 1`);
  }
  const theta: number[] = [];
  for (let i = 1; i < n - 1; i++) {
    for (const offset of [0, 1]) {
      const prev = ctrl[2 * (i - 1) + offset];
      const cur = ctrl[2 * i + offset];
      theta.push(prev < 1 ? (cur - prev) / (1 - prev) : 0);
    }
  }
  return theta;
}

/** Gradient scale from its search parameter: `w = 10^(2θ − 1)`, θ ∈ [0,1] → w ∈ [0.1, 10]. */
export function gradScaleFromTheta(theta: number): number {
  if (!(theta >= 0 && theta <= 1)) throw new UserError(`grad-scale θ = ${theta} is outside [0, 1]`);
  return 10 ** (2 * theta - 1);
}

/** The inverse map: `θ = (log10 w + 1) / 2`. */
export function thetaFromGradScale(w: number): number {
  if (!(w > 0) || !Number.isFinite(w)) throw new UserError(`grad scale ${w} must be a positive number`);
  return (Math.log10(w) + 1) / 2;
}
