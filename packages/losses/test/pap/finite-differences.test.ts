import { describe, expect, it } from 'vitest';
import { paplossHost, thetaToCtrlPoints, type PapLossOptions } from '../../src/index.js';
import { Rng } from '@apdet/rng';
import { randomProblem } from './helpers.js';

/**
 * The fast path's custom gradient against central differences of its own loss, in float64,
 * on random problems whose pairs stay clear of every kink (knots, |Δ| = 1, ties).
 *
 * The gradient treats H1 as a constant (detached), so for logits the comparison uses the
 * 4-row searched variant, whose H1 (the exact step) is locally constant off ties; for ious,
 * H1 plays no part and every form is compared.
 */
const H = 1e-6;

function ctrlRows(seed: number, rows: number): number[][] {
  const rand = Rng.from(seed);
  return Array.from({ length: rows }, () =>
    thetaToCtrlPoints(Array.from({ length: 8 }, () => 0.1 + 0.8 * rand.next())),
  );
}

function lossOf(p: { logits: Float32Array; ious: Float64Array; targets: Int32Array }, o: PapLossOptions) {
  return paplossHost(p, o).loss;
}

/** Central difference w.r.t. one logit; float32 steps, so the true step is used. */
function fdLogit(p: { logits: Float32Array; ious: Float64Array; targets: Int32Array }, o: PapLossOptions, i: number) {
  const x = p.logits[i];
  const up = Math.fround(x + H);
  const down = Math.fround(x - H);
  const logits = Float32Array.from(p.logits);
  logits[i] = up;
  const lu = lossOf({ ...p, logits }, o);
  logits[i] = down;
  const ld = lossOf({ ...p, logits }, o);
  return (lu - ld) / (up - down);
}

function fdIou(p: { logits: Float32Array; ious: Float64Array; targets: Int32Array }, o: PapLossOptions, i: number) {
  const ious = Float64Array.from(p.ious);
  ious[i] += H;
  const lu = lossOf({ ...p, ious }, o);
  ious[i] -= 2 * H;
  const ld = lossOf({ ...p, ious }, o);
  return (lu - ld) / (2 * H);
}

function problem(seed: number) {
  const p = randomProblem(80, seed, { spread: 0.8 });
  const rand = Rng.from(seed + 1000);
  // Negatives get IoUs in (0.05, 0.45) too, so that their row-role IoU gradient is exercised.
  const ious = Float64Array.from(p.ious, (u, i) => (p.targets[i] === 1 ? u : 0.05 + 0.4 * rand.next()));
  return { logits: p.logits, ious, targets: p.targets };
}

describe('fast custom gradient vs finite differences (float64)', () => {
  it('logits: 4-row searched variant, random ctrl', () => {
    for (let seed = 0; seed < 3; seed++) {
      const p = problem(seed);
      const o: PapLossOptions = { form: 'searched', ctrlPoints: ctrlRows(seed, 4) };
      const g = paplossHost(p, o).gradLogits;
      let checked = 0;
      for (let i = 0; i < p.logits.length; i++) {
        if (p.targets[i] === -1) continue;
        expect(Math.abs(fdLogit(p, o, i) - g[i])).toBeLessThan(1e-6);
        if (g[i] !== 0) checked++;
      }
      expect(checked).toBeGreaterThan(20);
    }
  });
  it('ious: every form (H1 does not depend on ious)', () => {
    const forms: PapLossOptions[] = [
      { form: 'linear' },
      { form: 'square' },
      { form: 'searched', ctrlPoints: ctrlRows(5, 5) },
      { form: 'searched', ctrlPoints: ctrlRows(6, 4), topK: 40 },
    ];
    for (const o of forms) {
      const p = problem(11);
      const g = paplossHost(p, o).gradIous;
      for (let i = 0; i < p.ious.length; i++) {
        if (p.targets[i] === -1) continue;
        expect(Math.abs(fdIou(p, o, i) - g[i])).toBeLessThan(1e-6);
      }
    }
  });
});
