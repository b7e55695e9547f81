import { describe, expect, it } from 'vitest';
import { CocoInputError, evaluateCoco, loadDetections, loadGroundTruth } from '../src/index.js';

const baseGt = () => ({
  images: [{ id: 1 }, { id: 2 }],
  categories: [
    { id: 1, name: 'a' },
    { id: 2, name: 'b' },
  ],
  annotations: [
    { id: 10, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100, iscrowd: 0 },
    { id: 11, image_id: 2, category_id: 2, bbox: [5, 5, 20, 20], area: 400, iscrowd: 0 },
  ],
});
const baseDt = () => [
  { image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], score: 0.9 },
  { image_id: 2, category_id: 2, bbox: [5, 5, 20, 20], score: 0.8 },
];

function gtError(mutate: (gt: any) => unknown): string {
  const gt = baseGt();
  const replaced = mutate(gt);
  try {
    loadGroundTruth(replaced === undefined ? gt : replaced);
  } catch (error) {
    expect(error).toBeInstanceOf(CocoInputError);
    expect((error as CocoInputError).part).toBe('groundTruth');
    return (error as Error).message;
  }
  throw new Error('no error thrown');
}

function dtError(mutate: (dt: any[]) => unknown): string {
  const dt = baseDt();
  const replaced = mutate(dt);
  try {
    loadDetections(replaced === undefined ? dt : replaced, loadGroundTruth(baseGt()));
  } catch (error) {
    expect(error).toBeInstanceOf(CocoInputError);
    expect((error as CocoInputError).part).toBe('detections');
    return (error as Error).message;
  }
  throw new Error('no error thrown');
}

describe('ground-truth validation names the record and the problem', () => {
  it.each([
    [
      'an array at the top',
      () => [],
      /expected a COCO instances object .* got an array of 0 \(an array looks like a detections/,
    ],
    ['images missing', (g: any) => void delete g.images, /"images" is missing, expected an array/],
    [
      'image without id',
      (g: any) => void (g.images[1] = { file_name: 'x' }),
      /images\[1\]: "id" is missing, expected an integer/,
    ],
    [
      'category id as string',
      (g: any) => void (g.categories[0].id = '1'),
      /categories\[0\]: "id" is the string "1", expected an integer/,
    ],
    [
      'annotation not an object',
      (g: any) => void (g.annotations[1] = 5),
      /annotations\[1\]: expected an object, got 5/,
    ],
    [
      'bbox missing',
      (g: any) => void delete g.annotations[1].bbox,
      /annotations\[1\] \(id 11\): "bbox" is missing, expected \[x, y, width, height\]/,
    ],
    [
      'bbox of 3',
      (g: any) => void (g.annotations[0].bbox = [1, 2, 3]),
      /annotations\[0\] \(id 10\): "bbox" is an array of 3/,
    ],
    [
      'bbox null value',
      (g: any) => void (g.annotations[0].bbox[1] = null),
      /annotations\[0\] \(id 10\): bbox\[1\] is null, expected a finite number/,
    ],
    [
      'negative width',
      (g: any) => void (g.annotations[1].bbox[2] = -4),
      /annotations\[1\] \(id 11\): bbox\[2\] \(width\) is -4, expected >= 0/,
    ],
    [
      'infinite height',
      (g: any) => void (g.annotations[1].bbox[3] = Infinity),
      /bbox\[3\] is Infinity, expected a finite number/,
    ],
    [
      'area missing',
      (g: any) => void delete g.annotations[0].area,
      /annotations\[0\] \(id 10\): "area" is missing, expected a finite number/,
    ],
    ['negative area', (g: any) => void (g.annotations[0].area = -1), /"area" is -1, expected >= 0/],
    ['iscrowd 2', (g: any) => void (g.annotations[0].iscrowd = 2), /"iscrowd" is 2, expected 0 or 1/],
    [
      'duplicate annotation id',
      (g: any) => void (g.annotations[1].id = 10),
      /annotations\[1\] \(id 10\): duplicate annotation id 10 \(also annotations\[0\]\)/,
    ],
    [
      'annotations not an array',
      (g: any) => void (g.annotations = {}),
      /"annotations" is an object, expected an array/,
    ],
  ])('%s', (_, mutate, message) => {
    expect(gtError(mutate as (gt: any) => unknown)).toMatch(message);
  });

  it('drops (and reports) annotations on unlisted images or categories, as pycocotools does', () => {
    const gt: any = baseGt();
    gt.annotations.push({ id: 12, image_id: 99, category_id: 1, bbox: [0, 0, 1, 1], area: 1 });
    gt.annotations.push({ id: 13, image_id: 1, category_id: 77, bbox: [0, 0, 1, 1], area: 1 });
    const loaded = loadGroundTruth(gt);
    expect(loaded.count).toBe(2);
    expect(loaded.warnings.map((w) => [w.code, w.count])).toEqual([
      ['unknown-image', 1],
      ['unknown-category', 1],
    ]);
    expect(loaded.warnings[0].message).toMatch(/annotations\[2\] image_id 99/);
  });

  it('treats a missing iscrowd as 0 and overwrites an explicit ignore flag with iscrowd', () => {
    const gt: any = baseGt();
    delete gt.annotations[0].iscrowd;
    gt.annotations[1].ignore = 1; // pycocotools: gt['ignore'] = iscrowd
    expect(evaluateCoco(gt, baseDt()).stats[0]).toBeCloseTo(1, 12);
  });
});

describe('detection validation names the record and the problem', () => {
  it.each([
    ['an object at the top', () => ({ a: 1 }), /expected a JSON array of detections .* got an object$/],
    ['an instances file instead of results', () => baseGt(), /got an object \(this looks like a COCO instances file/],
    [
      'an unknown image',
      (d: any[]) => void (d[1].image_id = 999),
      /detection \[1\] \(id 2\): image_id 999 is not an image of the ground truth/,
    ],
    [
      'NaN in bbox',
      (d: any[]) => void (d[0].bbox[2] = NaN),
      /detection \[0\] \(id 1\): bbox\[2\] is NaN, expected a finite number/,
    ],
    ['null in bbox', (d: any[]) => void (d[1].bbox[0] = null), /detection \[1\] \(id 2\): bbox\[0\] is null/],
    ['"NaN" string score', (d: any[]) => void (d[1].score = 'NaN'), /"score" is the string "NaN" \(JSON has no NaN/],
    ['score missing', (d: any[]) => void delete d[0].score, /detection \[0\] \(id 1\): "score" is missing/],
    ['negative height', (d: any[]) => void (d[0].bbox[3] = -0.5), /bbox\[3\] \(height\) is -0.5, expected >= 0/],
    ['float image id', (d: any[]) => void (d[0].image_id = 1.5), /"image_id" is 1.5, expected an integer/],
    [
      'not an object',
      (d: any[]) => void (d[1] = [1, 2]),
      /detection \[1\] \(id 2\): expected an object, got an array of 2/,
    ],
  ])('%s', (_, mutate, message) => {
    expect(dtError(mutate as (dt: any[]) => unknown)).toMatch(message);
  });

  it('drops detections of unknown categories like pycocotools, counted in warnings', () => {
    const dt: any[] = baseDt();
    dt.push({ image_id: 1, category_id: 42, bbox: [0, 0, 1, 1], score: 0.5 });
    const result = evaluateCoco(baseGt(), dt);
    expect(result.counts.detections).toBe(2);
    expect(result.warnings).toMatchObject([{ part: 'detections', code: 'unknown-category', count: 1 }]);
  });

  it('accepts an empty results list (pycocotools crashes on it): AP 0', () => {
    const result = evaluateCoco(baseGt(), []);
    expect(result.stats[0]).toBe(0);
  });
});
