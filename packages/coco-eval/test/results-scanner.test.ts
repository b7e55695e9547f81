import { describe, expect, it } from 'vitest';
import { generateSynthetic } from '../bench/synthetic.js';
import { loadDetections, loadDetectionsFromBytes, loadGroundTruth, type Detections } from '../src/index.js';
import { scanDetections } from '../src/results-scanner.js';
import { loadScenario } from './helpers.js';

const bytes = (text: string) => new TextEncoder().encode(text);

function expectSame(a: Detections, b: Detections): void {
  expect(a.count).toBe(b.count);
  for (const key of ['boxes', 'scores', 'image', 'category', 'ids'] as const)
    expect(Array.from(a[key]), key).toEqual(Array.from(b[key]));
  expect(a.warnings).toEqual(b.warnings);
}

describe('byte scanner for results files', () => {
  it('gives exactly what JSON.parse + loadDetections give (p14, p05 with unknown categories, synthetic)', () => {
    for (const name of ['p14_realistic_500', 'p05_category_mismatch']) {
      const { gt, dt } = loadScenario(name);
      const g = loadGroundTruth(gt);
      const scanned = scanDetections(bytes(JSON.stringify(dt, null, 1)), g);
      expect(scanned, name).not.toBeNull();
      expectSame(scanned!, loadDetections(dt, g));
    }
    const { gt, dt } = generateSynthetic({ seed: 5, images: 20, categories: 5, detectionsPerImage: 10 });
    const g = loadGroundTruth(gt);
    expectSame(scanDetections(bytes(JSON.stringify(dt)), g)!, loadDetections(dt, g));
  });

  it('converts every number form like JSON.parse', () => {
    const g = loadGroundTruth({ images: [{ id: 1 }], categories: [{ id: 3 }], annotations: [] });
    const scoresToo = ['0.25', '1e-3', '0.9999999999999999', '7'];
    const numbers = [
      ...scoresToo,
      '0',
      '-0',
      '1e2',
      '1E-7',
      '0.1',
      '0.30000000000000004',
      '123456789012345678',
      '2.5e-320',
      '1.7976931348623157e308',
      '4.35',
      '0.1e1',
      '-12.5e+2',
      '9007199254740993',
      '0.000001',
    ];
    const text = `[${numbers.map((n, i) => `{"image_id":1.0,"category_id":3,"bbox":[${n},0,1,1],"score":${scoresToo[i % 4]}}`).join(',')}]`;
    const scanned = scanDetections(bytes(text), g)!;
    expect(scanned).not.toBeNull();
    expectSame(scanned, loadDetections(JSON.parse(text), g));
    expect(Object.is(scanned.boxes[4 * 5], -0)).toBe(true);
  });

  it('handles whitespace, key order, extra and duplicate keys like JSON.parse', () => {
    const g = loadGroundTruth({ images: [{ id: 7 }], categories: [{ id: 1 }, { id: 2 }], annotations: [] });
    const text = ` [ {"segmentation": [[1, 2, {"a": "x\\"y"}]], "score" : 0.5, "bbox":[ 1 ,2,3, 4 ] ,\n"category_id":1, "image_id":7, "ok": true, "no": null, "uni": "é", "category_id": 2 } ]\n`;
    expectSame(scanDetections(bytes(text), g)!, loadDetections(JSON.parse(text), g));
  });

  it('defers to the general path for anything it does not accept', () => {
    const g = loadGroundTruth({ images: [{ id: 1 }], categories: [{ id: 1 }], annotations: [] });
    const det = (fields: string) => `[{"image_id":1,"category_id":1,${fields}}]`;
    for (const text of [
      det('"bbox":[1,2,NaN,4],"score":1'), // not JSON
      det('"bbox":[1,2,3,4]'), // missing score
      det('"bbox":[1,2,-3,4],"score":1'), // negative width
      det('"bbox":[1,2,3],"score":1'),
      det('"bbox":[1,2,3,4],"score":"1"'),
      '[{"image_id":2,"category_id":1,"bbox":[1,2,3,4],"score":1}]', // unknown image
      '{"annotations": []}',
      '[{"image\\u005fid":1,"category_id":1,"bbox":[1,2,3,4],"score":1}]', // escaped key
      '[01]',
      '[{"image_id":1,"category_id":1,"bbox":[1,2,3,4],"score":1}] x',
    ]) {
      expect(scanDetections(bytes(text), g), text).toBeNull();
    }
    expect(() => loadDetectionsFromBytes(bytes(det('"bbox":[1,2,-3,4],"score":1')), g)).toThrow(
      /bbox\[2\] \(width\) is -3/,
    );
  });
});
