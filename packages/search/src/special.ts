/**
 * Special functions in float64 for the truncated-normal policy (docs/spec/paper-spec.md §7.1): erf, erfc, the
 * scaled erfcx, erfinv, the standard normal pdf/cdf and their logs.
 *
 * Two classical expansions, each used where it converges fast and has no cancellation:
 * - erf for |x| < 2.5: (2/√π) e^{−x²} Σ_n (2x²)^n x / (1·3·…·(2n+1)) (all terms positive);
 * - erfc for x ≥ 1: the continued fraction e^{−x²}/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))),
 *   evaluated with the modified Lentz method (≤ 190 terms), which also gives erfcx without
 *   under/overflow; below 1, erfc = 1 − erf loses nothing since erfc ≥ 0.157 there.
 * erfinv refines a closed-form first guess with Halley steps on erf (or on erfc near ±1, so that
 * the tail keeps its relative precision). Tested against mpmath at 50 digits.
 */

const SQRT_PI = Math.sqrt(Math.PI);
const TWO_OVER_SQRT_PI = 2 / SQRT_PI;
const SQRT2 = Math.SQRT2;
/** log(√(2π)), the normal log-density's constant. */
export const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
/** Below this, erf by its series; at and above, erf = 1 − erfc. */
const SERIES_LIMIT = 2.5;
/** At and above this, erfc by its continued fraction; below, erfc = 1 − erf. */
const FRACTION_LIMIT = 1;

/** e^{−x²}-free series part: erf(x) = (2/√π) e^{−x²} · seriesSum(x), for |x| < 2.5. */
function erfSeriesSum(x: number): number {
  const twoX2 = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= twoX2 / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return sum;
}

/** erfcx(x) = e^{x²} erfc(x) for x ≥ 1 by the continued fraction (modified Lentz). */
function erfcxContinuedFraction(x: number): number {
  // K = 1/(x + a1/(x + a2/(x + ...))) with a_k = k/2; erfcx = K/√π.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (f * SQRT_PI);
}

/** The error function erf(x) = (2/√π) ∫₀ˣ e^{−t²} dt. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < SERIES_LIMIT) return TWO_OVER_SQRT_PI * Math.exp(-x * x) * erfSeriesSum(x);
  const tail = ax > 27 ? 0 : Math.exp(-ax * ax) * erfcxContinuedFraction(ax);
  return x > 0 ? 1 - tail : tail - 1;
}

/** The complementary error function erfc(x) = 1 − erf(x), accurate in the right tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < FRACTION_LIMIT) return 1 - erf(x);
  if (x > 27) return 0; // below the smallest double
  return Math.exp(-x * x) * erfcxContinuedFraction(x);
}

/** The scaled complementary error function erfcx(x) = e^{x²} erfc(x), for x ≥ 0 (no underflow). */
export function erfcx(x: number): number {
  if (x < FRACTION_LIMIT) return Math.exp(x * x) * erfc(x);
  return erfcxContinuedFraction(x);
}

/** Winitzki's closed-form approximation of erfinv for 0 ≤ y < 1 (relative error ≲ 2e−3). */
function erfinvGuess(y: number): number {
  const a = 0.147;
  const ln = Math.log((1 - y) * (1 + y));
  const b = 2 / (Math.PI * a) + ln / 2;
  return Math.sqrt(Math.sqrt(b * b - ln / a) - b);
}

/**
 * The inverse error function: erf(erfinv(y)) = y for y ∈ (−1, 1); ±∞ at ±1, NaN outside.
 * Halley steps on f(x) = erf(x) − y (f′ = (2/√π)e^{−x²}, f″ = −2x f′), written on erfc for
 * y > 0.5 so that 1 − y (exact there) keeps its digits.
 */
export function erfinv(y: number): number {
  if (Number.isNaN(y) || y < -1 || y > 1) return NaN;
  if (y === 1) return Infinity;
  if (y === -1) return -Infinity;
  if (y === 0) return y;
  const a = Math.abs(y);
  const q = 1 - a; // exact for a ≥ 0.5 (Sterbenz)
  let x = erfinvGuess(a);
  for (let i = 0; i < 8; i++) {
    const f = a <= 0.5 ? erf(x) - a : q - erfc(x);
    const slope = TWO_OVER_SQRT_PI * Math.exp(-x * x);
    const step = f / (slope + x * f);
    x -= step;
    if (Math.abs(step) <= 1e-16 * x) break;
  }
  return y < 0 ? -x : x;
}

/** The standard normal density φ(z). */
export function normPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
}

/** log φ(z) = −z²/2 − log √(2π). */
export function normLogPdf(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/** The standard normal cdf Φ(z) = ½ erfc(−z/√2), accurate in both tails' relative sense for z < 0. */
export function normCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/** log Φ(z), finite for every finite z (uses erfcx in the far left tail, log1p near 1). */
export function logNormCdf(z: number): number {
  if (z < -5) {
    const t = -z / SQRT2;
    return Math.log(0.5 * erfcx(t)) - t * t;
  }
  if (z > 0) return Math.log1p(-0.5 * erfc(z / SQRT2));
  return Math.log(normCdf(z));
}

/**
 * Φ(β) − Φ(α) for α ≤ β without cancellation when both lie in the same tail: the difference of
 * the two erfc tails there, of the two erf values (a sum of positives) when α < 0 < β.
 */
export function normMass(alpha: number, beta: number): number {
  if (alpha >= 0) return 0.5 * (erfc(alpha / SQRT2) - erfc(beta / SQRT2));
  if (beta <= 0) return 0.5 * (erfc(-beta / SQRT2) - erfc(-alpha / SQRT2));
  return 0.5 * (erf(beta / SQRT2) - erf(alpha / SQRT2));
}
