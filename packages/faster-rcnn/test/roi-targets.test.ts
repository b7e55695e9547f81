// roiTargets against tools/make-oracle.py: the mmdet 2.1 MaxIoUAssigner (0.5 / 0.5 / 0.5, no
// low-quality matches) + PseudoSampler + BBoxHead._get_target_single transcription (54 proposals,
// 3 GTs, one proposal at IoU exactly 0.5 and one tied between two GTs). For the RandomSampler with
// GT boxes added, the oracle gives every candidate's (GT + proposals) assignment, label and target;
// the draw itself is checked for counts, positive fraction, GT-first order, membership and
// determinism for a key (the oracle cannot draw our random numbers).
// Tolerances: RoIs, labels and GT boxes exactly (copies), deltas 1e-4·max(1, |x|).
import type { SamplerSpec } from '@apdet/losses';
import { Rng } from '@apdet/rng';
import { describe, expect, it } from 'vitest';
import { roiTargets, type RoiTargetOptions, type RoiTargets } from '../src/roi-targets.js';
import { boxAt, expectClose, oracleCases } from './oracle.js';

interface RoiCase {
  numClasses: number;
  stds: [number, number, number, number];
  proposals: number[];
  gtBoxes: number[];
  gtLabels: number[];
  assigner: RoiTargetOptions['assigner'];
  pseudo: { rois: number[]; labels: number[]; deltas: number[]; gtBoxes: number[]; numPositives: number };
  candidates: { boxes: number[]; assigned: number[]; labels: number[]; deltas: number[] };
}

const [c] = oracleCases<RoiCase>('roi-targets');
const proposals = Float32Array.from(c.proposals);
const gt = { boxes: c.gtBoxes, labels: c.gtLabels };
const DELTA_TOL = { rtol: 1e-4, atol: 1e-4 };
const PSEUDO: SamplerSpec = { kind: 'pseudo' };
const random = (num: number, posFraction: number): SamplerSpec => ({
  kind: 'random',
  num,
  posFraction,
  addGtAsProposals: true,
});
const targets = (sampler: SamplerSpec, seed = 0, props = proposals, truth = gt): RoiTargets =>
  roiTargets(props, truth, { assigner: c.assigner, sampler, numClasses: c.numClasses, stds: c.stds }, Rng.from(seed));

/** Index of each sampled RoI in the oracle's candidate list (GT boxes first, then the proposals). */
function candidateIndices(t: RoiTargets): number[] {
  const n = c.candidates.boxes.length / 4;
  return Array.from({ length: t.labels.length }, (_, j) => {
    const box = boxAt(t.rois, j).join();
    const matches = Array.from({ length: n }, (_, i) => i).filter((i) => boxAt(c.candidates.boxes, i).join() === box);
    expect(matches, `RoI ${j} is exactly one candidate`).toHaveLength(1);
    return matches[0];
  });
}

describe('roiTargets = mmdet 2.1 with the PseudoSampler (the param-ap RoI head)', () => {
  it('RoIs (positives, then negatives), labels, deltas and GT boxes', () => {
    const t = targets(PSEUDO);
    expect(Array.from(t.rois)).toEqual(c.pseudo.rois);
    expect(Array.from(t.labels)).toEqual(c.pseudo.labels);
    expectClose(t.deltas, c.pseudo.deltas, DELTA_TOL, 'deltas');
    expect(Array.from(t.gtBoxes)).toEqual(c.pseudo.gtBoxes);
    expect([t.numPositives, t.numGtRois, t.labels.length]).toEqual([c.pseudo.numPositives, 0, 54]);
  });

  it('IoU exactly 0.5 is positive; a tie between two GTs goes to the first (mmdet argmax)', () => {
    const t = targets(PSEUDO);
    const exact = boxAt(proposals, 52).join();
    const tied = boxAt(proposals, 53).join();
    const row = (box: string) =>
      Array.from({ length: t.labels.length }, (_, j) => j).find((j) => boxAt(t.rois, j).join() === box)!;
    expect(t.labels[row(exact)]).toBe(c.gtLabels[0]);
    expect(row(exact)).toBeLessThan(t.numPositives);
    expect(t.labels[row(tied)]).toBe(c.gtLabels[1]);
    expect(c.gtLabels[1]).not.toBe(c.gtLabels[2]);
  });

  it('no GT boxes: every proposal is background, in order', () => {
    const t = targets(PSEUDO, 0, proposals, { boxes: [], labels: [] });
    expect(Array.from(t.rois)).toEqual(c.proposals);
    expect(Array.from(t.labels).every((l) => l === c.numClasses)).toBe(true);
    expect(t.numPositives).toBe(0);
  });
});

describe('roiTargets with the RandomSampler and GT boxes added (the CE baselines: 512 / 0.25)', () => {
  const positivesOf = (assigned: number[]) => assigned.filter((g) => g > 0).length;

  it('16 / 0.25: 4 positives of 18 and 12 negatives of 39, each with its oracle label and target', () => {
    expect([positivesOf(c.candidates.assigned), c.candidates.assigned.filter((g) => g === 0).length]).toEqual([18, 39]);
    const t = targets(random(16, 0.25), 5);
    expect([t.numPositives, t.labels.length]).toEqual([4, 16]);
    expect(t.numPositives / t.labels.length).toBe(0.25);
    const idx = candidateIndices(t);
    idx.forEach((i, j) => {
      expect(c.candidates.assigned[i] > 0, `RoI ${j} positive`).toBe(j < t.numPositives);
      expect(t.labels[j]).toBe(c.candidates.labels[i]);
      expectClose(
        t.deltas.subarray(4 * j, 4 * j + 4),
        c.candidates.deltas.slice(4 * i, 4 * i + 4),
        DELTA_TOL,
        `RoI ${j}`,
      );
    });
    // Ascending within positives and within negatives; sampled GT boxes (candidates 0–2) lead.
    const pos = idx.slice(0, 4);
    const neg = idx.slice(4);
    expect(pos).toEqual([...pos].sort((a, b) => a - b));
    expect(neg).toEqual([...neg].sort((a, b) => a - b));
    expect(t.numGtRois).toBe(pos.filter((i) => i < 3).length);
  });

  it('fewer positives than the quota: all of them, the GT boxes first, then negatives up to num', () => {
    const t = targets(random(64, 0.5), 5);
    expect([t.numPositives, t.numGtRois, t.labels.length]).toEqual([18, 3, 57]);
    expect(Array.from(t.rois.subarray(0, 12))).toEqual(c.gtBoxes);
    expect(Array.from(t.labels.subarray(0, 3))).toEqual(c.gtLabels);
    expect(Array.from(t.deltas.subarray(0, 12)).every((d) => d === 0)).toBe(true); // a GT against itself
  });

  it('the same key draws the same RoIs; other keys draw others', () => {
    const a = targets(random(16, 0.25), 5);
    expect(targets(random(16, 0.25), 5)).toEqual(a);
    const others = [6, 7, 8, 9].map((seed) => Array.from(targets(random(16, 0.25), seed).rois).join());
    expect(others.some((r) => r !== Array.from(a.rois).join())).toBe(true);
  });

  it('bad GT labels are one-line errors', () => {
    expect(() => targets(PSEUDO, 0, proposals, { boxes: c.gtBoxes, labels: [0, 1, 3] })).toThrow(
      /GT 2 has label 3, expected an integer in \[0, 3\)/,
    );
    expect(() => targets(PSEUDO, 0, proposals, { boxes: c.gtBoxes, labels: [0] })).toThrow(/3 GT boxes but 1 labels/);
  });
});
