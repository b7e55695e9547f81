/**
 * Pure parts: the failure rule's counter (docs/spec/paper-spec.md §7.5) and the plot specs' data (reward summary
 * per round, function curves from μ, start/middle/end snapshots).
 */
import { describe, expect, it } from 'vitest';
import { initialMu, RETINANET_SPACE, thetaToLossParams } from '@apdet/search';
import { CollapseCounter } from '../src/collapse-rule.js';
import { ctrlPointsOfMu, functionCurve, functionsChartSpec, pickSnapshots, rewardChartSpec } from '../src/plots.js';

describe('CollapseCounter', () => {
  it('counts NaN and |loss − 1| < 1e-6, never resets, and fails only above 50', () => {
    const c = new CollapseCounter();
    for (const loss of [1, 1 + 9e-7, 1 - 9e-7, Number.NaN]) c.observe(loss);
    expect(c.collapsedSteps).toBe(4);
    for (const loss of [1 + 2e-6, 1 - 2e-6, 0.5, 0, Number.POSITIVE_INFINITY]) c.observe(loss);
    expect(c.collapsedSteps).toBe(4); // healthy steps do not reset the counter either
    for (let i = 0; i < 46; i++) expect(c.observe(1)).toBe(false);
    expect(c.collapsedSteps).toBe(50);
    expect(c.observe(1)).toBe(true);
    expect(c.describe()).toMatch(/at 51 steps \(more than 50/);
  });
});

describe('plot data', () => {
  it('summarises the rewards of each round (1-based rounds on the x axis)', () => {
    const spec = rewardChartSpec([
      { round: 0, rewards: [0.1, 0.3, 0.2] },
      { round: 1, rewards: [0.4, 0] },
    ]) as unknown as { layer: { data: { values: Record<string, number>[] } }[] };
    const summary = spec.layer[0].data.values;
    expect(summary[0]).toEqual({ round: 1, mean: expect.closeTo(0.2, 12), min: 0.1, max: 0.3 });
    expect(summary[1]).toEqual({ round: 2, mean: 0.2, min: 0, max: 0.4 });
    expect(spec.layer[1].data.values).toHaveLength(5);
  });

  it('draws each function from μ exactly as the loss sees it (knots included)', () => {
    const mu = initialMu(RETINANET_SPACE);
    mu[8] = 0.7; // I2's first x moves
    const rows = ctrlPointsOfMu(mu);
    expect(rows).toEqual(thetaToLossParams(RETINANET_SPACE, mu).ctrlPoints);
    const curve = functionCurve(rows[1]);
    expect(curve[0]).toEqual({ x: 0, y: 0 });
    expect(curve.at(-1)).toEqual({ x: 1, y: 1 });
    // The knot (0.7, 0.2) is a sample point, so the line bends exactly there.
    expect(curve).toContainEqual({ x: 0.7, y: expect.closeTo(0.2, 12) });
  });

  it('picks start, middle and end snapshots without duplicates', () => {
    const mu = (v: number) => [v];
    expect(pickSnapshots([]).length).toBe(0);
    expect(pickSnapshots([{ round: 0, mu: mu(0) }]).map((s) => s.label)).toEqual(['start (after 0 rounds)']);
    const five = [0, 1, 2, 3, 4].map((round) => ({ round, mu: mu(round) }));
    expect(pickSnapshots(five).map((s) => s.label)).toEqual([
      'start (after 0 rounds)',
      'middle (after 2 rounds)',
      'end (after 4 rounds)',
    ]);
    const spec = functionsChartSpec(
      pickSnapshots(five.map((s) => ({ ...s, mu: initialMu(RETINANET_SPACE) }))),
    ) as unknown as { data: { values: { fn: string }[] } };
    expect(new Set(spec.data.values.map((v) => v.fn))).toEqual(new Set(['H2', 'I2', 'I3', 'I1', 'H1']));
  });
});
