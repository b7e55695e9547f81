import { adamStep, createAdamState, type AdamSettings } from './adam.js';
import { logProbAndGradLogit, sigmoid, truncatedNormalLogProb } from './truncated-normal.js';

/** Settings of the PPO-style policy update (docs/spec/paper-spec.md §7.3; official `argmax` and `cfg_search_*.py`). */
export interface PpoSettings {
  /** Inner Adam steps per round (`update_per_sample`). */
  steps: number;
  /** Base Adam learning rate (`mu_lr`). */
  lr: number;
  /** Linear warm-up length of the LambdaLR schedule (30 in the official code). */
  warmupSteps: number;
  /** Per-dimension clip: each log-ratio is clamped to [log(1 − ε), log(1 + ε)] (`clip_eps`). */
  clipEps: number;
  beta1: number;
  beta2: number;
  /** Adam's ε added to √v̂. */
  adamEps: number;
}

export const DEFAULT_PPO: Readonly<PpoSettings> = {
  steps: 100,
  lr: 0.01,
  warmupSteps: 30,
  clipEps: 0.1,
  beta1: 0.9,
  beta2: 0.999,
  adamEps: 1e-8,
};

/**
 * The LambdaLR multiplier at inner step `it` (docs/spec/paper-spec.md §7.3, O21): it/W for it ≤ W, then
 * 1 − (it − W)/(steps − W). LambdaLR applies λ(0) = 0 at construction, so the first step is a
 * no-op on mu_x (Adam's moments still take its gradient); λ(99) = 1/70 with the defaults.
 */
export function ppoLrMultiplier(
  it: number,
  settings: Pick<PpoSettings, 'steps' | 'warmupSteps'> = DEFAULT_PPO,
): number {
  const e = it % settings.steps;
  return e <= settings.warmupSteps
    ? e / settings.warmupSteps
    : 1 - (e - settings.warmupSteps) / (settings.steps - settings.warmupSteps);
}

/** A round's data for the update: θ samples [N][D], raw rewards [N], and σ before/after the schedule step. */
export interface PpoBatch {
  thetas: readonly (readonly number[])[];
  rewards: readonly number[];
  sigmaOld: readonly number[];
  sigmaNew: readonly number[];
}

/** Advantages A = R − mean(R) (no division by the std, docs/spec/paper-spec.md §7.2). */
export function advantages(rewards: readonly number[]): number[] {
  const mean = rewards.reduce((s, r) => s + r, 0) / rewards.length;
  return rewards.map((r) => r - mean);
}

/** logp_old[n][d] = log p(θ[n][d] | sigmoid(muX), σ_old), the constant reference of the ratios. */
export function logProbTable(
  thetas: readonly (readonly number[])[],
  muX: readonly number[],
  sigma: readonly number[],
): number[][] {
  const mu = muX.map(sigmoid);
  return thetas.map((row) => row.map((x, d) => truncatedNormalLogProb(x, mu[d], sigma[d])));
}

/** The clipped surrogate J and its gradient with respect to mu_x. */
export interface PpoObjective {
  /** J = mean_n min(r_n A_n, r_c,n A_n). */
  value: number;
  /** ∂J/∂mu_x[d]. */
  grad: number[];
  /** r_n = exp(Σ_d Δ[n][d]). */
  ratios: number[];
  /** r_c,n = exp(Σ_d clamp(Δ[n][d], log(1 − ε), log(1 + ε))). */
  clippedRatios: number[];
}

/**
 * The PPO surrogate of docs/spec/paper-spec.md §7.3 at mu_x, with its analytic gradient:
 * Δ[n][d] = log p(θ[n][d] | sigmoid(mu_x), σ_new) − logp_old[n][d];
 * r_n = exp(Σ_d Δ), r_c,n = exp(Σ_d clamp(Δ, log(1−ε), log(1+ε))) (clipping per dimension, in
 * log space, THEN summed: r_c ∈ [0.9^D, 1.1^D]); J = mean_n min(r_n A_n, r_c,n A_n).
 * Gradient: the unclipped branch gives A r ∂Δ/∂mu_x; the clipped one A r_c ∂Δ/∂mu_x for the
 * dimensions whose Δ lies inside the clamp range (inclusive, as torch.clamp's backward) and 0 for
 * the others. min picks the smaller branch; at an exact tie (always the case when no dimension is
 * clipped, since then r = r_c) each branch gets half, as torch.minimum's backward does; both
 * branches' gradients are then equal anyway unless a clipped dimension ties by chance.
 */
export function ppoObjective(
  muX: readonly number[],
  thetas: readonly (readonly number[])[],
  adv: readonly number[],
  logpOld: readonly (readonly number[])[],
  sigmaNew: readonly number[],
  clipEps: number,
): PpoObjective {
  const lo = Math.log(1 - clipEps);
  const hi = Math.log(1 + clipEps);
  const n = thetas.length;
  const dims = muX.length;
  const grad = new Array<number>(dims).fill(0);
  const ratios: number[] = [];
  const clippedRatios: number[] = [];
  let value = 0;
  for (let s = 0; s < n; s++) {
    const dDelta = new Array<number>(dims);
    const inside = new Array<boolean>(dims);
    let sum = 0;
    let sumClipped = 0;
    for (let d = 0; d < dims; d++) {
      const { logProb, grad: g } = logProbAndGradLogit(thetas[s][d], muX[d], sigmaNew[d]);
      const delta = logProb - logpOld[s][d];
      sum += delta;
      sumClipped += Math.min(Math.max(delta, lo), hi);
      dDelta[d] = g;
      inside[d] = delta >= lo && delta <= hi;
    }
    const r = Math.exp(sum);
    const rc = Math.exp(sumClipped);
    ratios.push(r);
    clippedRatios.push(rc);
    const a = adv[s];
    const plain = r * a;
    const clipped = rc * a;
    value += Math.min(plain, clipped);
    // Weights of each branch in the min's derivative.
    const wPlain = plain < clipped ? 1 : plain > clipped ? 0 : 0.5;
    const wClipped = 1 - wPlain;
    for (let d = 0; d < dims; d++) {
      const gPlain = a * r * dDelta[d];
      const gClipped = inside[d] ? a * rc * dDelta[d] : 0;
      grad[d] += (wPlain * gPlain + wClipped * gClipped) / n;
    }
  }
  return { value: value / n, grad, ratios, clippedRatios };
}

/** What one round's update did, for logs and rounds.jsonl. */
export interface PpoUpdateResult {
  muX: number[];
  /** J at the first inner step (before any move: mu_x as given, σ_new) and at the last one. */
  objectiveFirst: number;
  objectiveLast: number;
  /** Inner steps whose gradient was not finite (none expected in float64) and were skipped. */
  skippedSteps: number;
}

/**
 * One round's policy update (docs/spec/paper-spec.md §7.3): a fresh Adam on mu_x, `steps` inner steps minimising
 * −J with the LambdaLR schedule (restarted every round, as the official code builds a new
 * optimizer and scheduler in each `argmax` call). σ is not learned; the ratios compare the new
 * policy at σ_new with the old at σ_old, so r ≠ 1 at the first step even though mu_x is unchanged.
 */
export function ppoUpdate(
  muX0: readonly number[],
  batch: PpoBatch,
  settings: PpoSettings = DEFAULT_PPO,
): PpoUpdateResult {
  const logpOld = logProbTable(batch.thetas, muX0, batch.sigmaOld);
  const adv = advantages(batch.rewards);
  const adamSettings: AdamSettings = { beta1: settings.beta1, beta2: settings.beta2, eps: settings.adamEps };
  const adam = createAdamState(muX0.length);
  let muX = [...muX0];
  let objectiveFirst = NaN;
  let objectiveLast = NaN;
  let skippedSteps = 0;
  for (let it = 0; it < settings.steps; it++) {
    const objective = ppoObjective(muX, batch.thetas, adv, logpOld, batch.sigmaNew, settings.clipEps);
    if (it === 0) objectiveFirst = objective.value;
    objectiveLast = objective.value;
    // A non-finite gradient (a ratio overflowing e^709) would poison mu_x for the rest of the
    // search; skip that step instead and report it.
    if (!objective.grad.every(Number.isFinite)) {
      skippedSteps++;
      continue;
    }
    const lossGrad = objective.grad.map((g) => -g);
    muX = adamStep(muX, lossGrad, adam, settings.lr * ppoLrMultiplier(it, settings), adamSettings);
  }
  return { muX, objectiveFirst, objectiveLast, skippedSteps };
}
