import { describe, expect, it } from 'vitest';
import { scoreSaturationWarning } from '../src/index.js';

const det = (score: number) => ({ image_id: 1, category_id: 1, bbox: [0, 0, 1, 1] as [number, number, number, number], score });

describe('scoreSaturationWarning', () => {
  it('warns when most detections have sigmoid-saturated scores, names the count', () => {
    const dets = [...Array.from({ length: 30 }, () => det(1)), ...Array.from({ length: 10 }, () => det(0.4))];
    expect(scoreSaturationWarning(dets)).toMatch(/^warning: 30 of 40 detections have score 1\.0/);
  });

  it('is quiet for healthy scores, a saturated minority, or too few detections', () => {
    expect(scoreSaturationWarning(Array.from({ length: 40 }, (_, i) => det(0.05 + i / 100)))).toBeNull();
    expect(scoreSaturationWarning([...Array.from({ length: 19 }, () => det(1)), ...Array.from({ length: 21 }, () => det(0.5))])).toBeNull();
    expect(scoreSaturationWarning(Array.from({ length: 10 }, () => det(1)))).toBeNull();
  });
});
