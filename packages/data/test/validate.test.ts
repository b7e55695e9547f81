import { describe, expect, it } from 'vitest';
import { CocoIndex } from '../src/coco/coco-index.js';
import { validateCoco } from '../src/coco/validate.js';

function good(): Record<string, unknown[]> {
  return {
    images: [
      { id: 1, file_name: 'a.png', width: 100, height: 80 },
      { id: 2, file_name: 'b.png', width: 50, height: 50 },
      { id: 3, file_name: 'c.png', width: 60, height: 40 },
    ],
    annotations: [
      { id: 10, image_id: 1, category_id: 7, bbox: [10, 10, 20, 30], area: 600, iscrowd: 0 },
      { id: 11, image_id: 1, category_id: 3, bbox: [0, 0, 100, 80], area: 8000, iscrowd: 1 },
      { id: 12, image_id: 2, category_id: 3, bbox: [5, 5, 10, 10] },
      { id: 13, image_id: 1, category_id: 3, bbox: [50, 40, 10, 10] },
    ],
    categories: [
      { id: 7, name: 'dog' },
      { id: 3, name: 'cat' },
    ],
  };
}

/** The problems of a variant of the good file, as "kind @ record". */
function problemsOf(mutate: (json: Record<string, unknown[]>) => void): string[] {
  const json = good();
  mutate(json);
  return validateCoco(json).problems.map((p) => `${p.kind} @ ${p.record}: ${p.message}`);
}

describe('validateCoco', () => {
  it('accepts a well-formed file and counts it', () => {
    const report = validateCoco(good());
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.counts).toEqual({
      images: 3,
      annotations: 4,
      categories: 2,
      crowdAnnotations: 1,
      imagesWithoutAnnotations: 1,
    });
  });

  const cases: [string, (j: Record<string, any[]>) => void, RegExp][] = [
    [
      'missing annotation id',
      (j) => delete j.annotations[0].id,
      /^missing-field @ annotations\[0\]: "id" must be an integer, got nothing/,
    ],
    [
      'string annotation id',
      (j) => (j.annotations[0].id = '10'),
      /^wrong-type @ annotations\[0\] \(id "10"\): "id" must be an integer/,
    ],
    ['missing bbox', (j) => delete j.annotations[2].bbox, /^missing-field @ annotations\[2\] \(id 12\): "bbox"/],
    [
      'bbox of 3 numbers',
      (j) => (j.annotations[2].bbox = [1, 2, 3]),
      /^wrong-type @ annotations\[2\] \(id 12\): "bbox" must be an array/,
    ],
    [
      'bbox with a string',
      (j) => (j.annotations[2].bbox = [1, 2, '3', 4]),
      /^wrong-type @ annotations\[2\] \(id 12\): "bbox" entries must be numbers/,
    ],
    [
      'NaN in bbox',
      (j) => (j.annotations[2].bbox = [1, Number.NaN, 3, 4]),
      /^non-finite-box @ annotations\[2\] \(id 12\): .*non-finite.*NaN/,
    ],
    [
      'Infinity in bbox',
      (j) => (j.annotations[2].bbox = [1, 2, Number.POSITIVE_INFINITY, 4]),
      /^non-finite-box @ annotations\[2\] \(id 12\)/,
    ],
    [
      'zero width',
      (j) => (j.annotations[2].bbox = [1, 2, 0, 4]),
      /^non-positive-box @ annotations\[2\] \(id 12\): .*width > 0/,
    ],
    [
      'negative height',
      (j) => (j.annotations[2].bbox = [1, 2, 3, -4]),
      /^non-positive-box @ annotations\[2\] \(id 12\)/,
    ],
    [
      'unknown image id',
      (j) => (j.annotations[3].image_id = 99),
      /^unknown-image-id @ annotations\[3\] \(id 13\): image_id 99 is not in "images"/,
    ],
    [
      'unknown category id',
      (j) => (j.annotations[3].category_id = 5),
      /^unknown-category-id @ annotations\[3\] \(id 13\): category_id 5 is not in "categories"/,
    ],
    [
      'duplicate annotation id',
      (j) => (j.annotations[3].id = 10),
      /^duplicate-id @ annotations\[3\] \(id 10\): duplicate annotation id 10/,
    ],
    [
      'duplicate image id',
      (j) => (j.images[2].id = 1),
      /^duplicate-id @ images\[2\] \(id 1\): duplicate image id 1 \(first at images\[0\]\)/,
    ],
    [
      'duplicate category id',
      (j) => (j.categories[1].id = 7),
      /^duplicate-id @ categories\[1\] \(id 7\): duplicate category id 7/,
    ],
    [
      'image without width',
      (j) => delete j.images[1].width,
      /^missing-field @ images\[1\] \(id 2\): "width" must be a positive integer/,
    ],
    [
      'image with fractional height',
      (j) => (j.images[1].height = 12.5),
      /^wrong-type @ images\[1\] \(id 2\): "height" must be a positive integer, got 12.5/,
    ],
    ['image without file name', (j) => (j.images[1].file_name = 3), /^wrong-type @ images\[1\] \(id 2\): "file_name"/],
    ['category without name', (j) => delete j.categories[0].name, /^missing-field @ categories\[0\] \(id 7\): "name"/],
    [
      'bad iscrowd',
      (j) => (j.annotations[0].iscrowd = 2),
      /^wrong-type @ annotations\[0\] \(id 10\): "iscrowd" must be 0 or 1/,
    ],
    ['negative area', (j) => (j.annotations[0].area = -1), /^wrong-type @ annotations\[0\] \(id 10\): "area"/],
    [
      'annotation that is not an object',
      (j) => (j.annotations[1] = 42),
      /^not-an-object @ annotations\[1\]: expected an object, got 42/,
    ],
    ['images not an array', (j) => ((j as any).images = {}), /^wrong-type @ \(top level\): "images" must be an array/],
    [
      'categories missing',
      (j) => delete (j as any).categories,
      /^missing-field @ \(top level\): missing "categories" array/,
    ],
  ];
  for (const [name, mutate, expected] of cases) {
    it(`reports ${name}`, () => {
      const problems = problemsOf(mutate);
      expect(
        problems.some((p) => expected.test(p)),
        problems.join('\n'),
      ).toBe(true);
      const json = good();
      mutate(json);
      expect(validateCoco(json).ok).toBe(false);
    });
  }

  it('reports every problem, not just the first', () => {
    const problems = problemsOf((j: Record<string, any[]>) => {
      j.annotations[0].bbox = [0, 0, -1, 1];
      j.annotations[2].image_id = 77;
      j.annotations[3].category_id = 78;
      j.images[1].width = 0;
    });
    expect(problems).toHaveLength(4);
  });

  it('warns (without failing) about boxes outside their image', () => {
    const json = good() as Record<string, any[]>;
    json.annotations[0].bbox = [90, 10, 30, 10];
    const report = validateCoco(json);
    expect(report.ok).toBe(true);
    expect(report.problems.map((p) => `${p.severity} ${p.kind} ${p.record}`)).toEqual([
      'warning box-outside-image annotations[0] (id 10)',
    ]);
  });

  it('rejects a top level that is not an object', () => {
    expect(validateCoco([1, 2]).problems[0].kind).toBe('not-an-object');
    expect(() => CocoIndex.fromJson('text', { source: 'x.json' })).toThrow(/x\.json/);
  });
});

describe('CocoIndex', () => {
  it('maps categories to contiguous labels by id, splits crowd boxes off as ignore regions', () => {
    const index = CocoIndex.fromJson(good());
    expect(index.categories.map((c) => [c.label, c.id, c.name])).toEqual([
      [0, 3, 'cat'],
      [1, 7, 'dog'],
    ]);
    expect(index.labelOf(7)).toBe(1);
    expect(index.categoryIdOf(0)).toBe(3);
    const t = index.targetsOf(0);
    expect([...t.boxes]).toEqual([10, 10, 30, 40, 50, 40, 60, 50]);
    expect([...t.labels]).toEqual([1, 0]);
    expect([...t.ignoreBoxes]).toEqual([0, 0, 100, 80]);
    expect(index.images.length).toBe(3);
    expect(index.targetsOf(2).boxes.length).toBe(0);
  });

  it('filters images without boxes on request', () => {
    const index = CocoIndex.fromJson(good(), { filterEmpty: true });
    expect(index.images.map((im) => im.id)).toEqual([1, 2]);
    expect([...index.targetsOf(1).boxes]).toEqual([5, 5, 15, 15]);
  });

  it('throws one error listing the invalid records, or skips them with skipInvalid', () => {
    const json = good() as Record<string, any[]>;
    json.annotations[0].bbox = [0, 0, 0, 1];
    json.annotations[3].category_id = 99;
    expect(() => CocoIndex.fromJson(json, { source: 'bad.json' })).toThrow(
      /bad\.json: 2 invalid records:\n {2}annotations\[0\] \(id 10\).*\n {2}annotations\[3\] \(id 13\): category_id 99/,
    );
    const index = CocoIndex.fromJson(json, { skipInvalid: true });
    expect(index.annotationCount).toBe(2);
  });
});
