import { describe, expect, it } from 'vitest';
import { evaluateCoco } from '@apdet/coco-eval';
import { evalJson, scoreSaturationWarning } from '../src/index.js';

const det = (score: number) => ({
  image_id: 1,
  category_id: 1,
  bbox: [0, 0, 1, 1] as [number, number, number, number],
  score,
});

describe('scoreSaturationWarning', () => {
  it('warns when most detections have sigmoid-saturated scores, names the count', () => {
    const dets = [...Array.from({ length: 30 }, () => det(1)), ...Array.from({ length: 10 }, () => det(0.4))];
    expect(scoreSaturationWarning(dets)).toMatch(/^warning: 30 of 40 detections have score 1\.0/);
  });

  it('is quiet for healthy scores, a saturated minority, or too few detections', () => {
    expect(scoreSaturationWarning(Array.from({ length: 40 }, (_, i) => det(0.05 + i / 100)))).toBeNull();
    expect(
      scoreSaturationWarning([
        ...Array.from({ length: 19 }, () => det(1)),
        ...Array.from({ length: 21 }, () => det(0.5)),
      ]),
    ).toBeNull();
    expect(scoreSaturationWarning(Array.from({ length: 10 }, () => det(1)))).toBeNull();
  });
});

describe('evalJson', () => {
  it("keeps the detections' warnings beside the evaluator's, so eval.json alone explains a collapsed AP", () => {
    const gt = {
      images: [{ id: 1, width: 10, height: 10 }],
      categories: [{ id: 1, name: 'a' }],
      annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 4, 4], area: 16, iscrowd: 0 }],
    };
    const dets = Array.from({ length: 30 }, () => ({
      ...det(1),
      bbox: [0, 0, 4, 4] as [number, number, number, number],
    }));
    const warning = scoreSaturationWarning(dets)!;
    const json = evalJson(evaluateCoco(gt, dets), { run: 'x' }, [warning]);
    expect((json as Record<string, unknown>).run).toBe('x');
    expect(json.warnings).toEqual([expect.stringMatching(/^30 of 30 detections have score 1\.0/)]);
    expect(evalJson(evaluateCoco(gt, dets), {}).warnings).toEqual([]);
  });
});
