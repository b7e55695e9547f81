import { erfinv, normCdf, normLogPdf, normMass, normPdf } from './special.js';

/**
 * The one-dimensional truncated normal on [0, 1] of the search policy (docs/spec/paper-spec.md §7.1,
 * `TruncatedNormal` in the official `tools/search.py`). `mu` is the location of the underlying
 * normal (not the mean of the truncated distribution), `sigma` its scale.
 */

/** float32 machine epsilon: the official sampler clamps 2p − 1 to [−1 + ε, 1 − ε] with the tensor's eps. */
export const FLOAT32_EPS = 1.1920928955078125e-7;

/**
 * Inverse-CDF sample for a given uniform draw `u` ∈ [0, 1) (docs/spec/paper-spec.md §7.1):
 * p = Φ(α) + u(Φ(β) − Φ(α)), v = clamp(2p − 1, −1 + ε, 1 − ε), x = μ + √2·erfinv(v)·σ,
 * clamped to [0, 1], with α = −μ/σ and β = (1 − μ)/σ.
 */
export function sampleTruncatedNormal(mu: number, sigma: number, u: number): number {
  const alphaCdf = normCdf(-mu / sigma);
  const betaCdf = normCdf((1 - mu) / sigma);
  const p = (betaCdf - alphaCdf) * u + alphaCdf;
  const v = Math.min(Math.max(2 * p - 1, -1 + FLOAT32_EPS), 1 - FLOAT32_EPS);
  const x = mu + Math.SQRT2 * erfinv(v) * sigma;
  return Math.min(Math.max(x, 0), 1);
}

/**
 * log p(x | μ, σ) = −log σ + log φ((x − μ)/σ) − log(Φ(β) − Φ(α)); −∞ outside [0, 1]
 * (the bounds are inside, as in the official `(x >= a) & (x <= b)`).
 */
export function truncatedNormalLogProb(x: number, mu: number, sigma: number): number {
  if (!(x >= 0 && x <= 1)) return -Infinity;
  const mass = normMass(-mu / sigma, (1 - mu) / sigma);
  return -Math.log(sigma) + normLogPdf((x - mu) / sigma) - Math.log(mass);
}

/**
 * ∂ log p(x | μ, σ) / ∂μ, including the normaliser's dependence on μ through Φ(α) and Φ(β):
 * with z = (x − μ)/σ and Z = Φ(β) − Φ(α),
 * ∂/∂μ [−z²/2] = z/σ and ∂/∂μ [−log Z] = −(φ(α) − φ(β))/(σ Z)   (∂α/∂μ = ∂β/∂μ = −1/σ).
 * 0 outside [0, 1], where the log-density is the constant −∞.
 */
export function truncatedNormalLogProbGradMu(x: number, mu: number, sigma: number): number {
  if (!(x >= 0 && x <= 1)) return 0;
  const alpha = -mu / sigma;
  const beta = (1 - mu) / sigma;
  const mass = normMass(alpha, beta);
  const z = (x - mu) / sigma;
  return z / sigma - (normPdf(alpha) - normPdf(beta)) / (sigma * mass);
}

/** The logistic function: μ = sigmoid(mu_x) maps the logit-space policy parameter to (0, 1). */
export function sigmoid(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

/** The official init `mu_x = −log(1/μ − 1)` (the logit), for μ ∈ (0, 1). */
export function logit(mu: number): number {
  return -Math.log(1 / mu - 1);
}

/**
 * log p(x | sigmoid(muX), σ) and its derivative with respect to the logit-space location muX
 * (chain rule through dμ/dmuX = μ(1 − μ)).
 */
export function logProbAndGradLogit(x: number, muX: number, sigma: number): { logProb: number; grad: number } {
  const mu = sigmoid(muX);
  return {
    logProb: truncatedNormalLogProb(x, mu, sigma),
    grad: truncatedNormalLogProbGradMu(x, mu, sigma) * mu * (1 - mu),
  };
}
