import { leavesImageFolder } from './image-file.js';
import type { CocoProblem, CocoProblemKind } from './types.js';

/** Counts and problems found by {@link validateCoco}. */
export interface CocoValidationReport {
  /** True when there is no problem of severity `error`. */
  ok: boolean;
  errorCount: number;
  warningCount: number;
  problems: CocoProblem[];
  counts: {
    images: number;
    annotations: number;
    categories: number;
    crowdAnnotations: number;
    imagesWithoutAnnotations: number;
  };
  /** Per input record, 1 when it has an error (so a caller may skip it), by array position. */
  invalid: { images: Uint8Array; annotations: Uint8Array; categories: Uint8Array };
}

type Rec = Record<string, unknown>;

/**
 * Checks a parsed COCO instances JSON and reports EVERY problem with the record it is in,
 * instead of stopping at the first. Errors: missing or wrong-typed fields, non-finite or
 * non-positive boxes, unknown image or category ids, duplicate ids, a `file_name` outside the
 * image folder (absolute, or with a `..` segment). Warnings: boxes reaching
 * more than a pixel outside their image, duplicate category names.
 *
 * Written as plain indexed loops with messages built only when a problem is found: the
 * COCO train2017 file (860k boxes) validates in well under a second.
 *
 * @example
 * const report = validateCoco(await readJsonFile('instances_val2017.json'));
 * for (const p of report.problems) console.log(p.severity, p.record, p.message);
 */
export function validateCoco(json: unknown): CocoValidationReport {
  const problems: CocoProblem[] = [];
  const add = (severity: 'error' | 'warning', kind: CocoProblemKind, record: string, message: string): void => {
    problems.push({ severity, kind, record, message });
  };
  const empty = { images: new Uint8Array(0), annotations: new Uint8Array(0), categories: new Uint8Array(0) };
  if (!isObject(json)) {
    add(
      'error',
      'not-an-object',
      '(top level)',
      `expected a JSON object with images, annotations and categories, got ${describe(json)}`,
    );
    return finish(problems, zeroCounts(), empty);
  }
  const images = topLevelArray(json, 'images', add, true);
  const annotations = topLevelArray(json, 'annotations', add, false);
  const categories = topLevelArray(json, 'categories', add, true);

  const categoryIds = new Set<number>();
  const badCategories = checkCategories(categories, categoryIds, add);
  const imageIndexById = new Map<number, number>();
  const badImages = checkImages(images, imageIndexById, add);
  const annotated = new Uint8Array(images.length);
  const annotationResult = checkAnnotations(annotations, images, imageIndexById, categoryIds, annotated, add);

  let imagesWithoutAnnotations = 0;
  for (let i = 0; i < annotated.length; i++) if (annotated[i] === 0 && badImages[i] === 0) imagesWithoutAnnotations++;
  const counts = {
    images: images.length,
    annotations: annotations.length,
    categories: categories.length,
    crowdAnnotations: annotationResult.crowd,
    imagesWithoutAnnotations,
  };
  return finish(problems, counts, { images: badImages, annotations: annotationResult.bad, categories: badCategories });
}

/** Where a record is: (array name, position, the record), turned into text only on a problem. */
type Where = [string, number, unknown];

type Add = (severity: 'error' | 'warning', kind: CocoProblemKind, record: string, message: string) => void;

function topLevelArray(json: Rec, key: string, add: Add, required: boolean): unknown[] {
  const value = json[key];
  if (Array.isArray(value)) return value;
  if (value === undefined) {
    if (required) add('error', 'missing-field', '(top level)', `missing "${key}" array`);
    else add('warning', 'missing-field', '(top level)', `missing "${key}" array (treated as empty)`);
  } else {
    add('error', 'wrong-type', '(top level)', `"${key}" must be an array, got ${describe(value)}`);
  }
  return [];
}

function checkCategories(categories: unknown[], ids: Set<number>, add: Add): Uint8Array {
  const bad = new Uint8Array(categories.length);
  const names = new Map<string, number>();
  for (let i = 0; i < categories.length; i++) {
    const c = categories[i];
    const where: Where = ['categories', i, c];
    if (!isObject(c)) {
      add('error', 'not-an-object', recordName(...where), `expected an object, got ${describe(c)}`);
      bad[i] = 1;
      continue;
    }
    const id = c.id;
    if (!checkIntegerId(id, where, add)) bad[i] = 1;
    else if (ids.has(id as number)) {
      add('error', 'duplicate-id', recordName(...where), `duplicate category id ${id as number}`);
      bad[i] = 1;
    } else ids.add(id as number);
    const name = c.name;
    if (typeof name !== 'string' || name === '') {
      add(
        'error',
        name === undefined ? 'missing-field' : 'wrong-type',
        recordName(...where),
        `"name" must be a non-empty string, got ${describe(name)}`,
      );
      bad[i] = 1;
    } else if (names.has(name)) {
      add(
        'warning',
        'duplicate-name',
        recordName(...where),
        `category name "${name}" also used by categories[${names.get(name)!}]`,
      );
    } else names.set(name, i);
  }
  return bad;
}

function checkImages(images: unknown[], indexById: Map<number, number>, add: Add): Uint8Array {
  const bad = new Uint8Array(images.length);
  for (let i = 0; i < images.length; i++) {
    const im = images[i];
    const where: Where = ['images', i, im];
    if (!isObject(im)) {
      add('error', 'not-an-object', recordName(...where), `expected an object, got ${describe(im)}`);
      bad[i] = 1;
      continue;
    }
    const id = im.id;
    if (!checkIntegerId(id, where, add)) bad[i] = 1;
    else if (indexById.has(id as number)) {
      add(
        'error',
        'duplicate-id',
        recordName(...where),
        `duplicate image id ${id as number} (first at images[${indexById.get(id as number)!}])`,
      );
      bad[i] = 1;
    } else indexById.set(id as number, i);
    const fileName = im.file_name;
    if (typeof fileName !== 'string' || fileName === '') {
      add(
        'error',
        fileName === undefined ? 'missing-field' : 'wrong-type',
        recordName(...where),
        `"file_name" must be a non-empty string, got ${describe(fileName)}`,
      );
      bad[i] = 1;
    } else if (leavesImageFolder(fileName)) {
      add(
        'error',
        'file-outside-image-folder',
        recordName(...where),
        `"file_name" must be a path inside the image folder, got ${describe(fileName)}`,
      );
      bad[i] = 1;
    }
    if (!checkPositiveInteger(im.width, 'width', where, add)) bad[i] = 1;
    if (!checkPositiveInteger(im.height, 'height', where, add)) bad[i] = 1;
  }
  return bad;
}

function checkAnnotations(
  annotations: unknown[],
  images: unknown[],
  imageIndexById: Map<number, number>,
  categoryIds: Set<number>,
  annotated: Uint8Array,
  add: Add,
): { bad: Uint8Array; crowd: number } {
  const bad = new Uint8Array(annotations.length);
  const ids = new Set<number>();
  let crowd = 0;
  for (let i = 0; i < annotations.length; i++) {
    const a = annotations[i];
    const where: Where = ['annotations', i, a];
    if (!isObject(a)) {
      add('error', 'not-an-object', recordName(...where), `expected an object, got ${describe(a)}`);
      bad[i] = 1;
      continue;
    }
    const id = a.id;
    if (!checkIntegerId(id, where, add)) bad[i] = 1;
    else if (ids.has(id as number)) {
      add('error', 'duplicate-id', recordName(...where), `duplicate annotation id ${id as number}`);
      bad[i] = 1;
    } else ids.add(id as number);

    const imageId = a.image_id;
    let imageIndex = -1;
    if (typeof imageId !== 'number') {
      add(
        'error',
        imageId === undefined ? 'missing-field' : 'wrong-type',
        recordName(...where),
        `"image_id" must be a number, got ${describe(imageId)}`,
      );
      bad[i] = 1;
    } else {
      imageIndex = imageIndexById.get(imageId) ?? -1;
      if (imageIndex < 0) {
        add('error', 'unknown-image-id', recordName(...where), `image_id ${imageId} is not in "images"`);
        bad[i] = 1;
      } else annotated[imageIndex] = 1;
    }
    const categoryId = a.category_id;
    if (typeof categoryId !== 'number') {
      add(
        'error',
        categoryId === undefined ? 'missing-field' : 'wrong-type',
        recordName(...where),
        `"category_id" must be a number, got ${describe(categoryId)}`,
      );
      bad[i] = 1;
    } else if (!categoryIds.has(categoryId)) {
      add('error', 'unknown-category-id', recordName(...where), `category_id ${categoryId} is not in "categories"`);
      bad[i] = 1;
    }
    if (!checkBox(a.bbox, imageIndex >= 0 ? (images[imageIndex] as Rec) : undefined, where, add)) bad[i] = 1;

    const area = a.area;
    if (area !== undefined && !(typeof area === 'number' && Number.isFinite(area) && area >= 0)) {
      add('error', 'wrong-type', recordName(...where), `"area" must be a finite number >= 0, got ${describe(area)}`);
      bad[i] = 1;
    }
    const isCrowd = a.iscrowd;
    if (isCrowd === 1 || isCrowd === true) crowd++;
    else if (isCrowd !== undefined && isCrowd !== 0 && isCrowd !== false) {
      add('error', 'wrong-type', recordName(...where), `"iscrowd" must be 0 or 1, got ${describe(isCrowd)}`);
      bad[i] = 1;
    }
  }
  return { bad, crowd };
}

function checkBox(bbox: unknown, image: Rec | undefined, where: Where, add: Add): boolean {
  if (!Array.isArray(bbox) || bbox.length !== 4) {
    add(
      'error',
      bbox === undefined ? 'missing-field' : 'wrong-type',
      recordName(...where),
      `"bbox" must be an array [x, y, width, height], got ${describe(bbox)}`,
    );
    return false;
  }
  const x: unknown = bbox[0];
  const y: unknown = bbox[1];
  const w: unknown = bbox[2];
  const h: unknown = bbox[3];
  if (typeof x !== 'number' || typeof y !== 'number' || typeof w !== 'number' || typeof h !== 'number') {
    add('error', 'wrong-type', recordName(...where), `"bbox" entries must be numbers, got ${describe(bbox)}`);
    return false;
  }
  if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(w) || !Number.isFinite(h)) {
    add('error', 'non-finite-box', recordName(...where), `"bbox" has a non-finite value: [${x}, ${y}, ${w}, ${h}]`);
    return false;
  }
  if (!(w > 0) || !(h > 0)) {
    add(
      'error',
      'non-positive-box',
      recordName(...where),
      `"bbox" must have width > 0 and height > 0, got [${x}, ${y}, ${w}, ${h}]`,
    );
    return false;
  }
  if (image !== undefined) {
    const width = image.width;
    const height = image.height;
    if (
      typeof width === 'number' &&
      typeof height === 'number' &&
      (x < -1 || y < -1 || x + w > width + 1 || y + h > height + 1)
    ) {
      add(
        'warning',
        'box-outside-image',
        recordName(...where),
        `"bbox" [${x}, ${y}, ${w}, ${h}] reaches outside its ${width}x${height} image (it will be clipped)`,
      );
    }
  }
  return true;
}

function checkIntegerId(id: unknown, where: Where, add: Add): boolean {
  if (typeof id === 'number' && Number.isSafeInteger(id)) return true;
  add(
    'error',
    id === undefined ? 'missing-field' : 'wrong-type',
    recordName(...where),
    `"id" must be an integer, got ${describe(id)}`,
  );
  return false;
}

function checkPositiveInteger(value: unknown, field: string, where: Where, add: Add): boolean {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return true;
  add(
    'error',
    value === undefined ? 'missing-field' : 'wrong-type',
    recordName(...where),
    `"${field}" must be a positive integer, got ${describe(value)}`,
  );
  return false;
}

function recordName(array: string, index: number, record: unknown): string {
  const id = isObject(record) ? record.id : undefined;
  return typeof id === 'number' || typeof id === 'string'
    ? `${array}[${index}] (id ${JSON.stringify(id)})`
    : `${array}[${index}]`;
}

function isObject(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of a value for messages: its JSON, cut, or its type. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    text = typeof value;
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function zeroCounts(): CocoValidationReport['counts'] {
  return { images: 0, annotations: 0, categories: 0, crowdAnnotations: 0, imagesWithoutAnnotations: 0 };
}

function finish(
  problems: CocoProblem[],
  counts: CocoValidationReport['counts'],
  invalid: CocoValidationReport['invalid'],
): CocoValidationReport {
  let errorCount = 0;
  for (const p of problems) if (p.severity === 'error') errorCount++;
  return { ok: errorCount === 0, errorCount, warningCount: problems.length - errorCount, problems, counts, invalid };
}
