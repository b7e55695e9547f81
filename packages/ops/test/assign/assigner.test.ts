import { describe, expect, it } from 'vitest';
import { Rng } from '@apdet/rng';
import { assignMaxIou, boxIofTyped, boxIouTyped, type MaxIouAssignerOptions } from '../../src/index.js';
import { randomBoxes } from '../boxes/helpers.js';

const RETINA: MaxIouAssignerOptions = { posIouThr: 0.5, negIouThr: 0.4, minPosIou: 0 };
/** Box of width 10·iou sharing the left/top edges of [0,0,10,10]: IoU with it is exactly `iou`. */
const withIou = (iou: number, dy = 0) => [0, dy, 10 * iou, dy + 10];

describe('MaxIoU assigner: hand-built rules', () => {
  it('positive at IoU ≥ pos (inclusive), negative below neg (exclusive), the band between is ignored', () => {
    const candidates = [
      ...withIou(0.5),
      ...withIou(0.45),
      ...withIou(0.4),
      ...withIou(0.39),
      ...withIou(0.8),
      50,
      50,
      60,
      60,
    ];
    const r = assignMaxIou({ candidates, gts: [0, 0, 10, 10], gtLabels: [7] }, { ...RETINA, matchLowQuality: false });
    expect(Array.from(r.gtIndex)).toEqual([1, -1, -1, 0, 1, 0]);
    expect(Array.from(r.labels!)).toEqual([7, -1, -1, -1, 7, -1]);
    expect(r.maxOverlaps[0]).toBeCloseTo(0.5, 14);
    expect(r.maxOverlaps[5]).toBe(0);
  });

  it('a candidate goes to the GT with the highest IoU, the first GT on ties', () => {
    const gts = [0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 6, 10];
    const cands = [...withIou(0.6), ...withIou(0.9)];
    const r = assignMaxIou({ candidates: cands, gts }, { ...RETINA, matchLowQuality: false });
    expect(Array.from(r.gtIndex)).toEqual([3, 1]); // 0.6·10 = 6 wide → identical to GT 2
    // With low-quality matching GT 1 (identical to GT 0) claims its best candidate afterwards.
    expect(Array.from(assignMaxIou({ candidates: cands, gts }, RETINA).gtIndex)).toEqual([3, 2]);
  });

  it('low-quality matches give a GT its best candidates (all ties with gtMaxAssignAll, else the first)', () => {
    const candidates = [...withIou(0.3), ...withIou(0.3), ...withIou(0.1)];
    const lq = assignMaxIou({ candidates, gts: [0, 0, 10, 10] }, RETINA);
    expect(Array.from(lq.gtIndex)).toEqual([1, 1, 0]);
    const first = assignMaxIou({ candidates, gts: [0, 0, 10, 10] }, { ...RETINA, gtMaxAssignAll: false });
    expect(Array.from(first.gtIndex)).toEqual([1, 0, 0]);
    const blocked = assignMaxIou({ candidates, gts: [0, 0, 10, 10] }, { ...RETINA, minPosIou: 0.31 });
    expect(Array.from(blocked.gtIndex)).toEqual([0, 0, 0]);
    const off = assignMaxIou({ candidates, gts: [0, 0, 10, 10] }, { ...RETINA, matchLowQuality: false });
    expect(Array.from(off.gtIndex)).toEqual([0, 0, 0]);
  });

  it('low-quality matching overwrites: a later GT takes a candidate that is its best match', () => {
    // candidate 0: IoU 0.6 with GT 0, 0.55 with GT 1 (GT 1's best) → goes to GT 1.
    const gts = [0, 0, 10, 10, 0, 0, 11, 10];
    const cands = [0, 0, 6, 10, 0, 0, 10, 10];
    const iou = boxIouTyped(cands, gts);
    expect(iou[0]).toBeCloseTo(0.6, 12);
    const r = assignMaxIou({ candidates: cands, gts }, RETINA);
    // candidate 1 is GT 0's best (IoU 1) and also GT 1's best (10/11 > 6/11): GT 1 comes later and wins.
    expect(iou[3]).toBeGreaterThan(iou[1]);
    expect(Array.from(r.gtIndex)).toEqual([1, 2]);
  });

  it('mmdet quirk: with minPosIou 0, a GT overlapping no candidate claims every IoU-0 candidate', () => {
    const cands = [...withIou(0.9), 50, 50, 60, 60, 70, 70, 80, 80];
    const gts = [0, 0, 10, 10, 500, 500, 510, 510];
    // Even candidate 0 (IoU 0.9 with GT 0) has IoU 0 with GT 1, and GT 1 comes later: it is overwritten.
    expect(Array.from(assignMaxIou({ candidates: cands, gts }, RETINA).gtIndex)).toEqual([2, 2, 2]);
    expect(Array.from(assignMaxIou({ candidates: cands, gts }, { ...RETINA, minPosIou: 0.1 }).gtIndex)).toEqual([
      1, 0, 0,
    ]);
  });

  it('a pair [lo, hi) negative band leaves IoU < lo ignored', () => {
    const r = assignMaxIou(
      { candidates: [...withIou(0.05), ...withIou(0.2), 50, 50, 60, 60], gts: [0, 0, 10, 10] },
      { posIouThr: 0.5, negIouThr: [0.1, 0.3], matchLowQuality: false },
    );
    expect(Array.from(r.gtIndex)).toEqual([-1, 0, -1]);
  });

  it('crowd regions: IoF strictly above the threshold → ignored; crowd boxes are never GTs', () => {
    const crowdBoxes = [100, 100, 200, 200];
    const cands = [150, 150, 160, 160, 195, 100, 205, 110, 196, 100, 206, 110, 0, 0, 10, 10];
    expect(Array.from(boxIofTyped(cands, crowdBoxes))).toEqual([1, 0.5, 0.4, 0]);
    const r = assignMaxIou({ candidates: cands, gts: [0, 0, 10, 10], crowdBoxes }, { ...RETINA, ignoreIofThr: 0.4 });
    expect(Array.from(r.gtIndex)).toEqual([-1, -1, 0, 1]);
    expect(r.maxOverlaps[0]).toBe(-1);
    const disabled = assignMaxIou({ candidates: cands, gts: [0, 0, 10, 10], crowdBoxes }, RETINA);
    expect(Array.from(disabled.gtIndex)).toEqual([0, 0, 0, 1]);
  });

  it('invalid (padding) candidates are ignored and cannot be low-quality matches', () => {
    const cands = [...withIou(0.9), ...withIou(0.3)];
    const r = assignMaxIou({ candidates: cands, gts: [0, 0, 10, 10], validFlags: [0, 1] }, RETINA);
    expect(Array.from(r.gtIndex)).toEqual([-1, 1]);
  });

  it('no GTs: every valid, non-crowd candidate is negative', () => {
    const r = assignMaxIou(
      {
        candidates: [0, 0, 1, 1, 5, 5, 6, 6, 100, 100, 101, 101],
        gts: [],
        validFlags: [1, 1, 0],
        crowdBoxes: [4, 4, 7, 7],
      },
      { ...RETINA, ignoreIofThr: 0.5 },
    );
    expect(Array.from(r.gtIndex)).toEqual([0, -1, -1]);
  });

  it('rejects mismatched inputs', () => {
    expect(() => assignMaxIou({ candidates: [0, 0, 1, 1], gts: [0, 0, 1, 1], gtLabels: [1, 2] }, RETINA)).toThrow(
      /2 labels for 1 GTs/,
    );
    expect(() => assignMaxIou({ candidates: [0, 0, 1, 1], gts: [], validFlags: [1, 1] }, RETINA)).toThrow(
      /valid flags/,
    );
  });
});

/** Reference implementation on the full [G, N] matrix, written like mmdet's tensor code. */
function referenceAssign(
  cands: Float64Array,
  gts: Float64Array,
  o: Required<Omit<MaxIouAssignerOptions, 'ignoreIofThr' | 'negIouThr'>> & { negIouThr: number },
) {
  const n = cands.length / 4,
    g = gts.length / 4;
  const ov = boxIouTyped(gts, cands); // [G, N]
  const out = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    let m = -1,
      am = 0;
    for (let k = 0; k < g; k++)
      if (ov[k * n + i] > m) {
        m = ov[k * n + i];
        am = k;
      }
    if (m >= 0 && m < o.negIouThr) out[i] = 0;
    if (m >= o.posIouThr) out[i] = am + 1;
  }
  for (let k = 0; k < g; k++) {
    const row = ov.subarray(k * n, (k + 1) * n);
    const best = Math.max(...row);
    if (best >= o.minPosIou)
      row.forEach((v, i) => {
        if (v === best) out[i] = k + 1;
      });
  }
  return out;
}

describe('MaxIoU assigner vs a full-matrix reference', () => {
  it('agrees on random scenes (integer-ish boxes → many IoU ties)', () => {
    for (let seed = 0; seed < 10; seed++) {
      const rng = Rng.from(seed);
      const cands = randomBoxes(400, rng, 60).map(Math.round);
      const gts = randomBoxes(1 + (seed % 7), rng, 60).map(Math.round);
      const opts = { posIouThr: 0.5, negIouThr: 0.4, minPosIou: 0.1, matchLowQuality: true, gtMaxAssignAll: true };
      expect(Array.from(assignMaxIou({ candidates: cands, gts }, opts).gtIndex)).toEqual(
        Array.from(referenceAssign(cands, gts, opts)),
      );
    }
  });
});
