import { describe, expect, it } from 'vitest';
import { normCdf, normMass, normPdf } from '../src/special.js';
import {
  FLOAT32_EPS,
  logProbAndGradLogit,
  logit,
  sampleTruncatedNormal,
  sigmoid,
  truncatedNormalLogProb,
  truncatedNormalLogProbGradMu,
} from '../src/truncated-normal.js';
import { Rng } from '@apdet/rng';

const LOG_SQRT_2PI = 0.9189385332046727; // log √(2π)

describe('truncated normal on [0, 1] (docs/spec/paper-spec.md §7.1)', () => {
  it('log-density: hand-computed values', () => {
    // x = 0.5, μ = 0.5, σ = 0.2: z = 0, α = −2.5, β = 2.5.
    //   Φ(−2.5) = 0.006209665325776135 ⇒ Z = Φ(2.5) − Φ(−2.5) = 1 − 2·0.006209665325776135 = 0.987580669348447730
    //   log p = −log 0.2 + (−0²/2 − log√(2π)) − log Z
    //         = 1.6094379124341003 − 0.9189385332046727 + 0.012497095063904890 = 0.702996474293332467
    expect(truncatedNormalLogProb(0.5, 0.5, 0.2)).toBeCloseTo(0.7029964742933325, 14);
    // x = 0.1, μ = 0.3, σ = 0.2: z = −1, α = −1.5, β = 3.5.
    //   Z = Φ(3.5) − Φ(−1.5) = 0.999767370920964 − 0.066807201268858 = 0.932960169652106, log Z = −0.069392769665457
    //   log p = 1.6094379124341003 − 0.5 − 0.9189385332046727 + 0.069392769665457 = 0.259892148894884
    expect(truncatedNormalLogProb(0.1, 0.3, 0.2)).toBeCloseTo(0.2598921488948842, 14);
    // Same without the truncation normaliser would be 0.190499… : the Φ(β) − Φ(α) term matters.
    expect(truncatedNormalLogProb(0.1, 0.3, 0.2) - (Math.log(1 / 0.2) - 0.5 - LOG_SQRT_2PI)).toBeCloseTo(
      0.06939276966545657,
      14,
    );
  });

  it('log-density is −∞ outside [0, 1] and finite on the bounds', () => {
    expect(truncatedNormalLogProb(-1e-12, 0.5, 0.2)).toBe(-Infinity);
    expect(truncatedNormalLogProb(1 + 1e-12, 0.5, 0.2)).toBe(-Infinity);
    expect(Number.isFinite(truncatedNormalLogProb(0, 0.5, 0.2))).toBe(true);
    expect(Number.isFinite(truncatedNormalLogProb(1, 0.5, 0.2))).toBe(true);
  });

  it('∂ log p/∂μ: hand-computed value including the normaliser term', () => {
    // x = 0.1, μ = 0.3, σ = 0.2: z/σ = −5; φ(α) = φ(−1.5) = 0.129517595665892, φ(β) = φ(3.5) = 0.000872682695046
    //   ∂/∂μ = −5 − (0.129517595665892 − 0.000872682695046)/(0.2 · 0.932960169652106) = −5.689444829240763
    expect(truncatedNormalLogProbGradMu(0.1, 0.3, 0.2)).toBeCloseTo(-5.689444829240763, 12);
    expect(truncatedNormalLogProbGradMu(1.5, 0.3, 0.2)).toBe(0);
  });

  it('∂ log p/∂μ and ∂ log p/∂mu_x match central finite differences to 1e-7 relative', () => {
    const rng = Rng.from(1);
    for (let i = 0; i < 200; i++) {
      const muX = rng.uniform(-4, 4);
      const sigma = 0.005 + 0.3 * rng.next();
      const x = rng.next();
      const mu = sigmoid(muX);
      const h = 1e-6 * sigma;
      const fdMu = (truncatedNormalLogProb(x, mu + h, sigma) - truncatedNormalLogProb(x, mu - h, sigma)) / (2 * h);
      const g = truncatedNormalLogProbGradMu(x, mu, sigma);
      expect(Math.abs(g - fdMu)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(g)));
      const hx = 1e-6;
      const fdX =
        (logProbAndGradLogit(x, muX + hx, sigma).logProb - logProbAndGradLogit(x, muX - hx, sigma).logProb) / (2 * hx);
      const gx = logProbAndGradLogit(x, muX, sigma).grad;
      expect(Math.abs(gx - fdX)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(gx)));
    }
  });

  it('sampler inverts the truncated cdf: F(x) = u for unclamped draws (1e-12)', () => {
    const rng = Rng.from(2);
    for (let i = 0; i < 500; i++) {
      const mu = rng.uniform(0.05, 0.95);
      const sigma = rng.uniform(0.01, 0.3);
      const u = rng.uniform(0.001, 0.999);
      const x = sampleTruncatedNormal(mu, sigma, u);
      const cdf = normMass(-mu / sigma, (x - mu) / sigma) / normMass(-mu / sigma, (1 - mu) / sigma);
      expect(Math.abs(cdf - u)).toBeLessThan(1e-12);
    }
  });

  it('samples lie in [0, 1] and their mean is the truncated-normal mean (Monte Carlo, 6 standard errors)', () => {
    const rng = Rng.from(3);
    const [mu, sigma, n] = [0.1, 0.2, 40_000];
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const x = sampleTruncatedNormal(mu, sigma, rng.next());
      expect(x >= 0 && x <= 1).toBe(true);
      sum += x;
      sumSq += x * x;
    }
    const [a, b] = [-mu / sigma, (1 - mu) / sigma];
    const mean = mu + (sigma * (normPdf(a) - normPdf(b))) / (normCdf(b) - normCdf(a));
    const sd = Math.sqrt(sumSq / n - (sum / n) ** 2);
    expect(Math.abs(sum / n - mean)).toBeLessThan((6 * sd) / Math.sqrt(n));
  });

  it('O19: for small σ the samples concentrate at μ; the float32-eps clamp bounds the extreme draws', () => {
    for (const u of [0, 0.3, 0.999999])
      expect(Math.abs(sampleTruncatedNormal(0.42, 1e-7, u) - 0.42)).toBeLessThan(1e-6);
    // μ = 0.5, σ = 0.01, u = 0: p = Φ(−50) ≈ 0, 2p − 1 is clamped to −1 + ε (ε = 2^−23), erfinv(−1 + ε) = −3.7439211627767994,
    // so x = 0.5 − √2 · 3.7439211627767994 · 0.01 = 0.44705259… and not the bound 0 (as in the official sampler).
    expect(FLOAT32_EPS).toBe(2 ** -23);
    expect(sampleTruncatedNormal(0.5, 0.01, 0)).toBeCloseTo(0.5 - Math.SQRT2 * 3.7439211627767994 * 0.01, 13);
  });

  it('logit is the official −log(1/μ − 1) init and inverts sigmoid', () => {
    for (const mu of [0.2, 0.25, 0.3333, 0.5, 0.9]) expect(sigmoid(logit(mu))).toBeCloseTo(mu, 15);
    expect(Math.abs(logit(0.5))).toBe(0);
  });
});
