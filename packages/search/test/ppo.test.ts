import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adamStep, createAdamState } from '../src/adam.js';
import { nextSigma, scheduledSigma } from '../src/policy.js';
import { DEFAULT_PPO, advantages, logProbTable, ppoLrMultiplier, ppoObjective, ppoUpdate } from '../src/ppo.js';
import { Rng } from '@apdet/rng';

const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

describe('σ schedule (docs/spec/paper-spec.md §7.2, O20)', () => {
  it('round t samples with σ0 (T − t)/T; the last update keeps σ_old = σ_new = 0.005', () => {
    let sigma = [0.2, 0.2];
    for (let t = 0; t < 40; t++) {
      expect(Math.abs(sigma[0] - scheduledSigma(0.2, t, 40))).toBeLessThan(1e-15);
      expect(Math.abs(sigma[0] - (0.2 * (40 - t)) / 40)).toBeLessThan(1e-15);
      const next = nextSigma(sigma, t, 40);
      if (t === 39) expect(next).toEqual(sigma); // "hack for last round update"
      sigma = next;
    }
    expect(sigma[0]).toBeCloseTo(0.005, 15);
  });
});

describe('PPO learning-rate schedule (O21)', () => {
  it('λ(0) = 0 (first step a no-op), warm-up to 1 at 30, linear decay to 1/70 at 99', () => {
    expect(ppoLrMultiplier(0)).toBe(0);
    expect(ppoLrMultiplier(15)).toBe(0.5);
    expect(ppoLrMultiplier(30)).toBe(1);
    expect(ppoLrMultiplier(31)).toBeCloseTo(1 - 1 / 70, 15);
    expect(ppoLrMultiplier(99)).toBeCloseTo(1 / 70, 15);
  });
});

describe('advantages', () => {
  it('are R − mean(R), without division by the std', () => {
    expect(advantages([0.1, 0.3, 0.5])).toEqual([0.1 - 0.3, 0, 0.5 - 0.3].map((v) => expect.closeTo(v, 15)));
  });
});

describe('PPO ratios: per-dimension clipping in log space, then summed (docs/spec/paper-spec.md §7.3)', () => {
  it('hand-computed r and r_c for one sample with two dimensions and σ shrinking 0.2 → 0.1', () => {
    // μ = sigmoid(0) = 0.5 in both dims; θ = (0.5, 0.7); σ_old = 0.2, σ_new = 0.1.
    //   log p_new − log p_old = log(0.2/0.1) − (z_new² − z_old²)/2 − log(Z(−5,5)/Z(−2.5,2.5))
    //   Z(−5,5) = 0.999999426696856, Z(−2.5,2.5) = 0.987580669348448, log ratio = 0.012496521760597
    //   dim 0: z_old = z_new = 0  ⇒ Δ0 = 0.693147180559945 − 0.012496521760597 = 0.680650658799349 (> log 1.1)
    //   dim 1: z_old = 1, z_new = 2 ⇒ Δ1 = Δ0 − (4 − 1)/2 = −0.819349341200651 (< log 0.9)
    //   r   = exp(Δ0 + Δ1) = exp(−0.138698682401303) = 0.870490282987074
    //   r_c = exp(log 1.1 + log 0.9) = 0.99   (standard PPO would clip r itself to 0.9)
    const muX = [0, 0];
    const thetas = [[0.5, 0.7]];
    const old = logProbTable(thetas, muX, [0.2, 0.2]);
    const objective = ppoObjective(muX, thetas, [1], old, [0.1, 0.1], 0.1);
    expect(objective.ratios[0]).toBeCloseTo(0.8704902829870736, 14);
    expect(objective.clippedRatios[0]).toBeCloseTo(0.99, 14);
    // A = 1 > 0: min(r A, r_c A) = r A.
    expect(objective.value).toBeCloseTo(0.8704902829870736, 14);
  });

  it('σ changing makes r ≠ 1 at the first inner step even with mu_x unchanged', () => {
    const thetas = [[0.45], [0.6]];
    const old = logProbTable(thetas, [0], [0.2]);
    expect(ppoObjective([0], thetas, [1, -1], old, [0.2], 0.1).ratios).toEqual([1, 1]);
    expect(ppoObjective([0], thetas, [1, -1], old, [0.15], 0.1).ratios.every((r) => Math.abs(r - 1) > 1e-3)).toBe(true);
  });

  it('analytic ∂J/∂mu_x matches central finite differences (random batches, clipped and unclipped dims)', () => {
    const rng = Rng.from(11);
    let clippedSeen = 0;
    for (let trial = 0; trial < 60; trial++) {
      const dims = 1 + Math.floor(rng.next() * 6);
      const n = 2 + Math.floor(rng.next() * 6);
      const muX0 = Array.from({ length: dims }, () => rng.uniform(-2, 2));
      const sigmaOld = Array.from({ length: dims }, () => rng.uniform(0.02, 0.25));
      const sigmaNew = sigmaOld.map((s) => s * rng.uniform(0.9, 1));
      const thetas = Array.from({ length: n }, () => Array.from({ length: dims }, () => rng.next()));
      const adv = advantages(Array.from({ length: n }, () => rng.next()));
      const old = logProbTable(thetas, muX0, sigmaOld);
      // Evaluate away from mu_x0 so that some Δ are clipped.
      const muX = muX0.map((m) => m + rng.uniform(-0.1, 0.1));
      const objective = ppoObjective(muX, thetas, adv, old, sigmaNew, 0.1);
      clippedSeen += objective.clippedRatios.filter((rc, i) => rc !== objective.ratios[i]).length;
      for (let d = 0; d < dims; d++) {
        const h = 1e-7;
        const plus = [...muX];
        const minus = [...muX];
        plus[d] += h;
        minus[d] -= h;
        const fd =
          (ppoObjective(plus, thetas, adv, old, sigmaNew, 0.1).value -
            ppoObjective(minus, thetas, adv, old, sigmaNew, 0.1).value) /
          (2 * h);
        expect(Math.abs(objective.grad[d] - fd)).toBeLessThanOrEqual(1e-5 * Math.max(1e-3, Math.abs(fd)));
      }
    }
    expect(clippedSeen).toBeGreaterThan(20); // the test did exercise the clipped branch
  });
});

describe('Adam (torch.optim.Adam semantics)', () => {
  it('one step by hand', () => {
    // p = 1, g = 0.5, lr = 0.1: m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 0.00025, t = 1
    //   m̂ = 0.05/(1 − 0.9) = 0.5, √v̂ = √(0.00025/(1 − 0.999)) = 0.5
    //   p ← 1 − 0.1 · 0.5/(0.5 + 1e-8) = 0.900000002
    const state = createAdamState(1);
    const [p] = adamStep([1], [0.5], state, 0.1, ADAM);
    expect(p).toBeCloseTo(1 - (0.1 * 0.5) / (0.5 + 1e-8), 15);
    expect(state).toEqual({ m: [expect.closeTo(0.05, 16)], v: [expect.closeTo(0.00025, 18)], step: 1 });
  });

  it('lr 0 leaves the parameters but advances the moments', () => {
    const state = createAdamState(1);
    expect(adamStep([3], [2], state, 0, ADAM)).toEqual([3]);
    expect(state.step).toBe(1);
    expect(state.m[0]).toBeCloseTo(0.2, 15);
  });
});

describe('PPO update (docs/spec/paper-spec.md §7.3)', () => {
  it('two inner steps by hand: step 0 has lr 0, step 1 moves mu_x by lr/30 · m̂/(√v̂ + ε)', () => {
    // mu_x = 0 (μ = 0.5), σ_old = σ_new = 0.2, θ = (0.5), (0.7), R = (1, 0) ⇒ A = (0.5, −0.5).
    // Δ = 0 ⇒ r = r_c = 1 (a tie; both branches have the same gradient).
    //   ∂ log p/∂μ = z/σ − (φ(α) − φ(β))/(σZ) = (θ − 0.5)/0.04 − 0 (α = −β) = 0 and 5; ·μ(1−μ) = 0.25 ⇒ 0 and 1.25
    //   ∂J/∂mu_x = ½ (0.5·1·0 + (−0.5)·1·1.25) = −0.3125, so the loss gradient is g = 0.3125
    // it 0: lr = 0.01·λ(0) = 0; m = 0.1·0.3125 = 0.03125, v = 0.001·0.09765625 = 9.765625e−5; mu_x stays 0
    // it 1: same g (mu_x did not move); m = 0.9·0.03125 + 0.03125 = 0.059375, v = 0.999·9.765625e−5 + 9.765625e−5
    //       m̂ = 0.059375/0.19 = 0.3125, v̂ = v/(1 − 0.999²) = 0.09765625 ⇒ √v̂ = 0.3125
    //       lr = 0.01·λ(1) = 0.01/30 ⇒ mu_x = −(0.01/30)·0.3125/(0.3125 + 1e−8)
    const batch = { thetas: [[0.5], [0.7]], rewards: [1, 0], sigmaOld: [0.2], sigmaNew: [0.2] };
    const first = ppoUpdate([0], batch, { ...DEFAULT_PPO, steps: 1 });
    expect(first.muX).toEqual([0]);
    expect(first.objectiveFirst).toBeCloseTo(0, 15); // mean of A·1
    const two = ppoUpdate([0], batch, { ...DEFAULT_PPO, steps: 2 });
    expect(two.muX[0]).toBeCloseTo(-(0.01 / 30) * (0.3125 / (0.3125 + 1e-8)), 15);
  });

  it('100 inner steps match the independent mpmath oracle (numerical gradient) to 1e-9', () => {
    const oracle = JSON.parse(readFileSync(new URL('./fixtures/ppo-oracle.json', import.meta.url), 'utf8')) as {
      cases: {
        name: string;
        muX0: number[];
        thetas: number[][];
        rewards: number[];
        sigmaOld: number[];
        sigmaNew: number[];
        muXAfter: number[];
      }[];
    };
    expect(oracle.cases.length).toBe(2);
    for (const c of oracle.cases) {
      const result = ppoUpdate(c.muX0, c);
      expect(result.skippedSteps).toBe(0);
      result.muX.forEach((v, d) => expect(Math.abs(v - c.muXAfter[d]), `${c.name} dim ${d}`).toBeLessThan(1e-9));
      // The update did move the policy (the test would catch a no-op).
      expect(Math.max(...result.muX.map((v, d) => Math.abs(v - c.muX0[d])))).toBeGreaterThan(1e-3);
    }
  });

  it('moves μ towards the better samples', () => {
    const batch = { thetas: [[0.3], [0.7]], rewards: [0, 1], sigmaOld: [0.2], sigmaNew: [0.2] };
    expect(ppoUpdate([0], batch).muX[0]).toBeGreaterThan(0.05);
  });
});
