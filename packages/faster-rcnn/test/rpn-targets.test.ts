// rpnTargets against tools/make-oracle.py: the mmdet 2.1 MaxIoUAssigner (0.7 / 0.3 / min 0.3,
// low-quality matches) + sampler + bbox2delta transcription on 240 anchors and 4 GTs, and
// torchvision's Matcher where the libraries differ (no minimum IoU for low-quality matches).
// The RandomSampler cannot match torch's random numbers: its draws are checked for counts,
// membership, labels/targets of what was drawn, and determinism for a key.
// Tolerances: labels and GT boxes exactly, deltas 1e-4·max(1, |x|).
import type { SamplerSpec } from '@apdet/losses';
import { Rng } from '@apdet/rng';
import { describe, expect, it } from 'vitest';
import { rpnTargets, type RpnTargetOptions } from '../src/rpn-targets.js';
import { expectClose, oracleCases } from './oracle.js';

interface RpnCase {
  imageShape: [number, number];
  stds: [number, number, number, number];
  anchors: number[];
  gtBoxes: number[];
  assigner: RpnTargetOptions['assigner'];
  mmdet: { assigned: number[]; labels: number[]; deltas: number[]; gtBoxes: number[] };
  torchvision: { labels: number[] };
  noGtAssigned: number[];
}

const [c] = oracleCases<RpnCase>('rpn-targets');
const anchors = Float32Array.from(c.anchors);
const gt = { boxes: c.gtBoxes, labels: [0, 0, 0, 0] };
const PSEUDO: SamplerSpec = { kind: 'pseudo' };
const RANDOM = (num: number, posFraction: number): SamplerSpec => ({
  kind: 'random',
  num,
  posFraction,
  addGtAsProposals: false,
});
const targets = (sampler: SamplerSpec, seed = 0, extra: Partial<RpnTargetOptions> = {}) =>
  rpnTargets(anchors, gt, c.imageShape, { assigner: c.assigner, sampler, stds: c.stds, ...extra }, Rng.from(seed));
const DELTA_TOL = { rtol: 1e-4, atol: 1e-4 };
const count = (labels: ArrayLike<number>, v: number) => Array.from(labels).filter((l) => l === v).length;

describe('rpnTargets = mmdet 2.1 AnchorHead targets (PseudoSampler: every assigned anchor)', () => {
  it('labels (0 object / 1 background / −1 ignored), deltas and matched GT boxes', () => {
    const t = targets(PSEUDO);
    expect(Array.from(t.labels)).toEqual(c.mmdet.labels);
    expectClose(t.deltas, c.mmdet.deltas, DELTA_TOL, 'deltas');
    expect(Array.from(t.gtBoxes)).toEqual(c.mmdet.gtBoxes);
    expect([t.numPositives, t.numSampled]).toEqual([
      count(c.mmdet.labels, 0),
      c.mmdet.labels.filter((l) => l >= 0).length,
    ]);
    expect([count(c.mmdet.labels, 0), count(c.mmdet.labels, -1)]).toEqual([5, 72]);
  });

  it('torchvision differs on the small GT (best IoU < 0.3): no minimum IoU there; we follow mmdet', () => {
    const t = targets(PSEUDO);
    const differ = c.torchvision.labels.map((l, i) => i).filter((i) => c.torchvision.labels[i] !== c.mmdet.labels[i]);
    expect(differ.length).toBe(17);
    for (const i of differ) {
      expect([c.torchvision.labels[i], t.labels[i]]).toEqual([0, 1]);
      // Each of them contains the small GT (50, 50, 54, 54): its best anchors, all tied.
      expect([
        anchors[4 * i] <= 50,
        anchors[4 * i + 1] <= 50,
        anchors[4 * i + 2] >= 54,
        anchors[4 * i + 3] >= 54,
      ]).toEqual([true, true, true, true]);
    }
  });

  it('an image without GT boxes: every anchor is background (mmdet max_iou_assigner.py L145–150)', () => {
    const t = rpnTargets(
      anchors,
      { boxes: [], labels: [] },
      c.imageShape,
      { assigner: c.assigner, sampler: PSEUDO, stds: c.stds },
      Rng.from(0),
    );
    expect(c.noGtAssigned.every((g) => g === 0)).toBe(true);
    expect(Array.from(t.labels).every((l) => l === 1)).toBe(true);
    expect(t.numPositives).toBe(0);
  });
});

describe('rpnTargets with the RandomSampler (mmdet random_sampler.py: positives first, then negatives)', () => {
  it('256 / 0.5: all 5 positives and all 163 negatives fit, so it equals the PseudoSampler', () => {
    const t = targets(RANDOM(256, 0.5), 7);
    expect(Array.from(t.labels)).toEqual(c.mmdet.labels);
    expect(t.numSampled).toBe(168);
  });

  it('8 / 0.25: 2 of the 5 positives and 6 negatives, each with its oracle label and target', () => {
    const t = targets(RANDOM(8, 0.25), 11);
    expect([t.numPositives, t.numSampled]).toEqual([2, 8]);
    expect([count(t.labels, 0), count(t.labels, 1), count(t.labels, -1)]).toEqual([2, 6, 232]);
    for (let i = 0; i < t.labels.length; i++) {
      if (t.labels[i] < 0) continue;
      expect(t.labels[i]).toBe(c.mmdet.labels[i]);
      expectClose(t.deltas.subarray(4 * i, 4 * i + 4), c.mmdet.deltas.slice(4 * i, 4 * i + 4), DELTA_TOL, `delta ${i}`);
    }
    expect(Array.from(t.deltas).filter((d, k) => t.labels[k >> 2] !== 0 && d !== 0)).toEqual([]);
  });

  it('the same key draws the same samples; other keys draw others', () => {
    const a = targets(RANDOM(8, 0.25), 11);
    expect(targets(RANDOM(8, 0.25), 11)).toEqual(a);
    const others = [12, 13, 14, 15].map((seed) => Array.from(targets(RANDOM(8, 0.25), seed).labels));
    expect(others.some((l) => l.join() !== Array.from(a.labels).join())).toBe(true);
  });

  it('an image without GT boxes samples `num` negatives', () => {
    const t = rpnTargets(
      anchors,
      { boxes: [], labels: [] },
      c.imageShape,
      { assigner: c.assigner, sampler: RANDOM(256, 0.5), stds: c.stds },
      Rng.from(3),
    );
    expect([count(t.labels, 1), count(t.labels, 0)]).toEqual([240, 0]);
    const u = rpnTargets(
      anchors,
      { boxes: [], labels: [] },
      c.imageShape,
      { assigner: c.assigner, sampler: RANDOM(16, 0.5), stds: c.stds },
      Rng.from(3),
    );
    expect([count(u.labels, 1), u.numSampled]).toEqual([16, 16]);
  });
});

describe('rpnTargets: anchors that take no part, and bad input', () => {
  it('validFlags 0 (padding) → ignored, and such anchors cannot be a GT’s low-quality match', () => {
    const positives = c.mmdet.labels.map((l, i) => (l === 0 ? i : -1)).filter((i) => i >= 0);
    const flags = new Uint8Array(240).fill(1);
    for (const i of positives) flags[i] = 0;
    const t = targets(PSEUDO, 0, { validFlags: flags });
    for (const i of positives) expect(t.labels[i]).toBe(-1);
    // The GTs then get their best remaining anchors if those reach min_pos_iou 0.3.
    expect(t.numPositives).toBeGreaterThan(0);
    expect(positives.some((i) => t.labels[i] === 0)).toBe(false);
  });

  it('allowedBorder 0 ignores anchors crossing the image border (mmdet anchor_inside_flags)', () => {
    const t = targets(PSEUDO, 0, { allowedBorder: 0 });
    const [h, w] = c.imageShape;
    for (let i = 0; i < 240; i++) {
      const crosses =
        anchors[4 * i] < 0 || anchors[4 * i + 1] < 0 || anchors[4 * i + 2] >= w || anchors[4 * i + 3] >= h;
      if (crosses) expect(t.labels[i]).toBe(-1);
    }
    expect(count(t.labels, -1)).toBeGreaterThan(count(c.mmdet.labels, -1));
  });

  it('one-line errors for a GT/label mismatch, wrong flags and a GT-adding sampler', () => {
    expect(() =>
      rpnTargets(
        anchors,
        { boxes: c.gtBoxes, labels: [0] },
        c.imageShape,
        { assigner: c.assigner, sampler: PSEUDO, stds: c.stds },
        Rng.from(0),
      ),
    ).toThrow(/4 GT boxes but 1 labels/);
    expect(() => targets(PSEUDO, 0, { validFlags: new Uint8Array(3) })).toThrow(/3 valid flags for 240 anchors/);
    expect(() => targets({ kind: 'random', num: 8, posFraction: 0.5, addGtAsProposals: true })).toThrow(
      /cannot be used on anchors/,
    );
  });
});
