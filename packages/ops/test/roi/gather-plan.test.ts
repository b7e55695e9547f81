import { describe, expect, it } from 'vitest';
import { axisTaps } from '../../src/roi/axis-taps.js';
import { buildGatherPlan } from '../../src/roi/gather-plan.js';
import { maxCellsPerBin, roiTaps } from '../../src/roi/roi-taps.js';

const opts = { outputSize: [2, 2] as [number, number], spatialScale: 1, samplingRatio: 0, aligned: true };

describe('RoIAlign sampling plan', () => {
  it('merges the taps of a bin’s samples: 2 samples 0.5 px apart touch 3 rows, not 4', () => {
    // bin from y = 1.0 to 2.0 with 2 samples at 1.25 and 1.75: rows 1 and 2 each get two taps.
    const taps = axisTaps({ start: 1, binSize: 1, grid: 2, extent: 10 }, 0);
    expect(taps.index).toEqual([1, 2]);
    expect(taps.weight).toEqual([0.75 + 0.25, 0.25 + 0.75]);
    const wide = axisTaps({ start: 1.5, binSize: 2, grid: 2, extent: 10 }, 0); // samples 2.0, 3.0
    expect(wide.index).toEqual([2, 3]); // the zero-weight taps (rows 3 and 4 at frac 0) are dropped
    expect(wide.weight).toEqual([1, 1]);
  });

  it('drops samples outside [-1, extent] and snaps those past the last pixel to it', () => {
    expect(axisTaps({ start: -3, binSize: 1, grid: 1, extent: 4 }, 0).index).toEqual([]); // y = −2.5
    expect(axisTaps({ start: -1.5, binSize: 1, grid: 1, extent: 4 }, 0)).toEqual({ index: [0], weight: [1] }); // y = −1 → 0
    expect(axisTaps({ start: 3.5, binSize: 0.5, grid: 1, extent: 4 }, 0)).toEqual({ index: [3], weight: [1] }); // y = 3.75
  });

  it('groups RoIs by cells per bin and records how to restore the input order', () => {
    const big = roiTaps([0, 0, 40, 40], opts, 50, 50); // 20 px bins, adaptive 20 samples per axis
    const small = roiTaps([3, 3, 5, 5], opts, 50, 50);
    expect(maxCellsPerBin(big)).toBeGreaterThan(maxCellsPerBin(small));
    const place = (taps: typeof big) => ({ taps, baseRow: 0, width: 50 });
    const plan = buildGatherPlan([place(big), place(small), place(small)]);
    expect(plan.groups.map((g) => g.rois)).toEqual([2, 1]); // small group first (fewer cells)
    expect(Array.from(plan.position ?? [])).toEqual([2, 0, 1]);
    // each bin's weights sum to 1 for a RoI fully inside the map (mean of bilinear samples)
    for (const g of plan.groups) {
      for (let b = 0; b < g.weight.length / g.cells; b++) {
        const sum = g.weight.slice(b * g.cells, (b + 1) * g.cells).reduce((a, w) => a + w, 0);
        expect(sum).toBeCloseTo(1, 6);
      }
    }
    expect(buildGatherPlan([place(small), place(big)]).position).toBeNull();
  });
});
