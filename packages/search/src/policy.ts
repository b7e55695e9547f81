import type { Rng } from '@apdet/rng';
import { sampleTruncatedNormal, sigmoid } from './truncated-normal.js';

/**
 * σ for the round after `round` (docs/spec/paper-spec.md §7.2, O20): σ_{t+1} = σ_t (T − t − 1)/(T − t), so round t
 * samples with σ_0 (T − t)/T. After the last round this would be 0, and the official "hack for
 * last round update" keeps σ_t instead, so the last PPO update has σ_old = σ_new.
 */
export function nextSigma(sigma: readonly number[], round: number, rounds: number): number[] {
  const next = sigma.map((s) => (s * (rounds - round - 1)) / (rounds - round));
  return next.reduce((a, b) => a + b, 0) === 0 ? [...sigma] : next;
}

/** σ used in round t by the schedule from σ0: σ0 (T − t)/T (closed form of {@link nextSigma}). */
export function scheduledSigma(sigma0: number, round: number, rounds: number): number {
  return (sigma0 * (rounds - round)) / rounds;
}

/**
 * Draws `count` θ vectors from the policy TN(sigmoid(muX), σ) one at a time, dimension by
 * dimension (one uniform per entry, in that order, from `rng`; docs/spec/paper-spec.md §7.1 sampler).
 */
export function drawThetas(muX: readonly number[], sigma: readonly number[], count: number, rng: Rng): number[][] {
  const mu = muX.map(sigmoid);
  return Array.from({ length: count }, () => mu.map((m, d) => sampleTruncatedNormal(m, sigma[d], rng.next())));
}
