// generateProposals against tools/make-oracle.py: the mmdet 2.1 `_get_bboxes_single` transcription
// (every case) and torchvision's `filter_proposals` (where the libraries agree, and where they
// differ: zero-width boxes at the border, the two-sided wh clamp).
// Tolerances: boxes 1e-4·max(1, |x|) px, scores 1e-6 (sigmoid in float64 vs torch float32),
// order, count and levels exactly (the oracle sorts stably, as we do, so ties are exact too).
import { decodeDeltas } from '@apdet/ops';
import { describe, expect, it } from 'vitest';
import { generateProposals, type ProposalOptions, type RpnLevelOutput } from '../src/proposals.js';
import { boxAt, expectBoxesClose, expectClose, oracleCases } from './oracle.js';

interface ProposalCase {
  name: string;
  imageShape: [number, number];
  stds: [number, number, number, number];
  options: ProposalOptions;
  levels: { scores: number[]; deltas: number[]; anchors: number[] }[];
  mmdet: { boxes: number[]; scores: number[]; levels: number[] };
  torchvision: { boxes: number[]; scores: number[] };
  torchvisionAgrees: boolean;
}

const cases = oracleCases<ProposalCase>('proposals');
const byName = (name: string): ProposalCase => cases.find((c) => c.name === name)!;
const levelsOf = (c: ProposalCase): RpnLevelOutput[] =>
  c.levels.map((l) => ({
    scores: Float32Array.from(l.scores),
    deltas: Float32Array.from(l.deltas),
    anchors: Float32Array.from(l.anchors),
  }));
const run = (c: ProposalCase, o: Partial<ProposalOptions> = {}) =>
  generateProposals(levelsOf(c), c.imageShape, c.stds, { ...c.options, ...o });
const SCORE_TOL = { rtol: 0, atol: 1e-6 };

describe('generateProposals = mmdet 2.1 (paploss_rpn_head.py _get_bboxes_single)', () => {
  it('has the four cases of the oracle', () => {
    expect(cases.map((c) => c.name)).toEqual(['three-levels', 'border-and-wh-clamp', 'min-size', 'ties']);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: same boxes, scores, levels and order', (_name, c) => {
    const ours = run(c);
    expect(Array.from(ours.levels!)).toEqual(c.mmdet.levels);
    expectBoxesClose(ours.boxes, c.mmdet.boxes, `${c.name} boxes`);
    expectClose(ours.scores, c.mmdet.scores, SCORE_TOL, `${c.name} scores`);
  });

  it('per-level top-k: the last level has fewer anchors (18) than preNmsTopK (50) and keeps them all', () => {
    const c = byName('three-levels');
    expect(c.levels.map((l) => l.scores.length)).toEqual([240, 60, 18]);
    expect(c.options.preNmsTopK).toBe(50);
    // Only 50 of level 0's 240 anchors can reach NMS: a top-k of 10 changes the result.
    expect(run(c, { preNmsTopK: 10 }).boxes).not.toEqual(run(c).boxes);
    expect(run(c).scores.length).toBe(c.options.postNmsTopN);
  });

  it('ties: equal logits keep level-then-index order; of two identical boxes the first survives', () => {
    const c = byName('ties');
    const ours = run(c);
    const tied = Math.fround(1 / (1 + Math.exp(-Math.fround(3.9))));
    const at = Array.from(ours.scores.keys()).filter((i) => Math.abs(ours.scores[i] - tied) < 1e-7);
    expect(at.map((i) => ours.levels![i])).toEqual([0, 0, 1]);
    // Level 0's anchors 5 and 17 share the logit: anchor 5's proposal comes first.
    const l0 = c.levels[0];
    expect(l0.scores[5]).toBe(l0.scores[17]);
    const decoded = (i: number) =>
      Array.from(
        decodeDeltas(l0.anchors.slice(4 * i, 4 * i + 4), l0.deltas.slice(4 * i, 4 * i + 4), {
          stds: c.stds,
          maxShape: c.imageShape,
        }),
      );
    expectBoxesClose(boxAt(ours.boxes, at[0]), decoded(5), 'first tied proposal = anchor 5');
    expectBoxesClose(boxAt(ours.boxes, at[1]), decoded(17), 'second tied proposal = anchor 17');
    const twin = Math.fround(1 / (1 + Math.exp(-Math.fround(3.7))));
    expect(Array.from(ours.scores).filter((s) => Math.abs(s - twin) < 1e-7)).toHaveLength(1);
  });

  it('minSize > 0 drops proposals with a side below it (mmdet min_bbox_size, `>=` keeps)', () => {
    const c = byName('min-size');
    const sides = (boxes: Float32Array) =>
      Array.from({ length: boxes.length / 4 }, (_, i) =>
        Math.min(boxes[4 * i + 2] - boxes[4 * i], boxes[4 * i + 3] - boxes[4 * i + 1]),
      );
    expect(Math.min(...sides(run(c).boxes))).toBeGreaterThanOrEqual(c.options.minSize);
    expect(Math.min(...sides(run(c, { minSize: 0 }).boxes))).toBeLessThan(c.options.minSize);
  });
});

describe('torchvision filter_proposals', () => {
  it('three-levels: agrees with ours where the libraries agree (no border-clipped or clamped box)', () => {
    const c = byName('three-levels');
    expect(c.torchvisionAgrees).toBe(true);
    const ours = run(c);
    expectBoxesClose(ours.boxes, c.torchvision.boxes, 'torchvision boxes');
    expectClose(ours.scores, c.torchvision.scores, SCORE_TOL, 'torchvision scores');
  });

  it('border-and-wh-clamp: the documented differences are real', () => {
    const c = byName('border-and-wh-clamp');
    const ours = run(c);
    const n = ours.scores.length;
    const width = (b: ArrayLike<number>, i: number) => b[4 * i + 2] - b[4 * i];
    // mmdet (min_bbox_size 0) and we keep the box pushed out of the image, clipped to zero width;
    // torchvision's remove_small_boxes(1e-3) drops it.
    const zero = Array.from({ length: n }, (_, i) => i).filter((i) => width(ours.boxes, i) === 0);
    expect(zero.length).toBeGreaterThan(0);
    expect(boxAt(ours.boxes, zero[0])[0]).toBe(c.imageShape[1]);
    const tvCount = c.torchvision.scores.length;
    expect(Array.from({ length: tvCount }, (_, i) => width(c.torchvision.boxes, i)).every((w) => w >= 1e-3)).toBe(true);
    // The anchor with dw·0.2 = −6: mmdet clamps to −ln(1000/16) (width = anchor width · 16/1000),
    // torchvision clamps only from above (width = anchor width · e^−6).
    const score = Math.fround(1 / (1 + Math.exp(-Math.fround(4.4))));
    const mine = Array.from(ours.scores).findIndex((s) => Math.abs(s - score) < 1e-7);
    const theirs = c.torchvision.scores.findIndex((s) => Math.abs(s - score) < 1e-7);
    const anchorWidth = c.levels[2].anchors[4 * 12 + 2] - c.levels[2].anchors[4 * 12]; // level 2, anchor 12
    expect(width(ours.boxes, mine)).toBeCloseTo(anchorWidth * 0.016, 4);
    expect(width(c.torchvision.boxes, theirs)).toBeCloseTo(anchorWidth * Math.exp(-6), 4);
    expect(width(ours.boxes, mine) - width(c.torchvision.boxes, theirs)).toBeGreaterThan(0.5);
  });
});

describe('generateProposals input checks', () => {
  const c = cases[0];
  it('rejects mismatched level arrays and bad options with one-line errors', () => {
    const bad = levelsOf(c);
    bad[1] = { ...bad[1], deltas: bad[1].deltas.subarray(4) };
    expect(() => generateProposals(bad, c.imageShape, c.stds, c.options)).toThrow(
      /level 1 has 60 scores but 59 deltas and 60 anchors/,
    );
    expect(() => run(c, { preNmsTopK: 0 })).toThrow(/preNmsTopK must be a positive integer/);
    expect(() => run(c, { nmsIouThreshold: 1.5 })).toThrow(/nmsIouThreshold must be in \[0, 1\]/);
    expect(() => generateProposals(levelsOf(c), [0, 10], c.stds, c.options)).toThrow(/imageShape/);
  });

  it('an image without anchors gives no proposals', () => {
    const empty = { scores: new Float32Array(0), deltas: new Float32Array(0), anchors: new Float32Array(0) };
    const out = generateProposals([empty], [10, 10], c.stds, c.options);
    expect([out.boxes.length, out.scores.length]).toEqual([0, 0]);
  });
});
