// roiDetections against tools/make-oracle.py: the mmdet 2.1 get_bboxes + multiclass_nms
// transcription (class-specific decoding, clipping, score > 0.05, NMS 0.5 per class, top-k) and
// torchvision's RoIHeads.postprocess_detections: equal where the libraries agree, and the two
// documented differences (torchvision drops boxes narrower than 1e-2, clamps dw/dh only from above).
// Tolerances: boxes 1e-4·max(1, |x|) px; scores and labels exactly (scores are the input
// probabilities, copied); order exactly (the oracle sorts stably, as we do).
import { describe, expect, it } from 'vitest';
import { roiDetections, type RoiDetectionOptions } from '../src/roi-postprocess.js';
import { boxAt, expectBoxesClose, oracleCases } from './oracle.js';

interface Detections {
  boxes: number[];
  scores: number[];
  labels: number[];
}
interface PostCase {
  name: string;
  imageShape: [number, number];
  numClasses: number;
  stds: [number, number, number, number];
  options: RoiDetectionOptions;
  rois: number[];
  probs: number[];
  deltas: number[];
  mmdet: Detections;
  torchvision?: Detections;
}

const cases = oracleCases<PostCase>('roi-postprocess');
const byName = (name: string): PostCase => cases.find((c) => c.name === name)!;
const run = (c: PostCase, o: Partial<RoiDetectionOptions> = {}) =>
  roiDetections(
    Float32Array.from(c.probs),
    Float32Array.from(c.deltas),
    Float32Array.from(c.rois),
    c.numClasses,
    c.imageShape,
    c.stds,
    { ...c.options, ...o },
  );

function expectDetections(ours: ReturnType<typeof run>, expected: Detections, what: string): void {
  expect(Array.from(ours.labels), `${what} labels`).toEqual(expected.labels);
  expect(Array.from(ours.scores), `${what} scores`).toEqual(expected.scores);
  expectBoxesClose(ours.boxes, expected.boxes, `${what} boxes`);
}

describe('roiDetections = mmdet 2.1 BBoxHead.get_bboxes + multiclass_nms', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectDetections(run(c), c.mmdet, c.name);
  });

  it('the cases exercise the threshold, NMS and the top-k cut', () => {
    const c = byName('softmax-agree');
    const above = c.probs.filter((p) => p > c.options.scoreThreshold).length;
    expect(c.mmdet.labels.length).toBeLessThan(above);
    expect(byName('sigmoid-ties-top7').mmdet.labels).toHaveLength(7);
    // Top-k keeps a prefix of the full ranking.
    const full = run(c);
    const top3 = run(c, { maxDetections: 3 });
    expect(Array.from(top3.scores)).toEqual(Array.from(full.scores.subarray(0, 3)));
  });

  it('a duplicated RoI (equal scores): one copy survives NMS, the first in (RoI, class) order', () => {
    const c = byName('sigmoid-ties-top7');
    const ours = run(c);
    const rowBox = (i: number) => boxAt(c.rois, i).join();
    expect(rowBox(4)).toBe(rowBox(5));
    const top = Math.fround(0.9999);
    expect(Array.from(ours.scores).filter((s) => s === top)).toHaveLength(1);
    expect(ours.labels[Array.from(ours.scores).indexOf(top)]).toBe(0);
  });
});

describe('torchvision RoIHeads.postprocess_detections', () => {
  it('softmax-agree: the same detections as ours', () => {
    const c = byName('softmax-agree');
    expectDetections(run(c), c.torchvision!, 'torchvision');
  });

  it('softmax-differences: the zero-width box and the two-sided wh clamp are real differences', () => {
    const c = byName('softmax-differences');
    const ours = run(c);
    const tv = c.torchvision!;
    const width = (b: ArrayLike<number>, i: number) => b[4 * i + 2] - b[4 * i];
    // RoI 0 lies right of the 120-px image: clipped to zero width, kept by mmdet and us.
    const zero = Array.from(ours.labels.keys()).filter((i) => width(ours.boxes, i) === 0);
    expect(zero).toHaveLength(1);
    expect(tv.labels).toHaveLength(ours.labels.length - 1);
    expect(tv.scores).not.toContain(ours.scores[zero[0]]);
    // RoI 1, class 1: dw·0.2 = −6; mmdet and we clamp at −ln(1000/16), torchvision does not.
    const roiWidth = c.rois[6] - c.rois[4];
    const mine = Array.from(ours.labels.keys()).find(
      (i) => ours.labels[i] === 1 && ours.scores[i] === Math.fround(c.probs[c.numClasses + 1]),
    )!;
    const theirs = tv.scores.indexOf(ours.scores[mine]);
    expect(width(ours.boxes, mine)).toBeCloseTo(roiWidth * 0.016, 4);
    expect(width(tv.boxes, theirs)).toBeCloseTo(roiWidth * Math.exp(-6), 4);
  });
});

describe('roiDetections input checks', () => {
  const c = cases[0];
  it('rejects wrong shapes and options with one-line errors', () => {
    const bad =
      (o: Partial<{ probs: number; deltas: number; classes: number }>, options: Partial<RoiDetectionOptions> = {}) =>
      () =>
        roiDetections(
          new Float32Array(o.probs ?? c.probs.length),
          new Float32Array(o.deltas ?? c.deltas.length),
          Float32Array.from(c.rois),
          o.classes ?? c.numClasses,
          c.imageShape,
          c.stds,
          { ...c.options, ...options },
        );
    expect(bad({ probs: 3 })).toThrow(/probs must be \[n\*C\] = 120 for 30 RoIs and 4 classes, got 3/);
    expect(bad({ deltas: 120 })).toThrow(/deltas must be \[n\*C\*4\] = 480 \(class-specific\), got 120/);
    expect(bad({}, { maxDetections: 0 })).toThrow(/maxDetections must be a positive integer/);
  });

  it('no probability above the threshold: no detections', () => {
    const out = run(c, { scoreThreshold: 1 });
    expect([out.boxes.length, out.scores.length, out.labels.length]).toEqual([0, 0, 0]);
  });
});
