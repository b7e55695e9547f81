import { CocoInputError } from './errors.js';
import { fail, requireBbox, requireFinite, requireInteger, requireRecord, show } from './record-fields.js';
import { WarningCounter, type CocoWarning } from './warnings.js';

/**
 * A COCO instances file, validated and laid out as typed arrays. Images and categories are
 * sorted by id (pycocotools evaluates `sorted(getImgIds())` × `sorted(getCatIds())`); the
 * annotations keep their file order, which decides tie-breaking.
 */
export interface GroundTruth {
  readonly imageIds: Float64Array;
  readonly categoryIds: Float64Array;
  /** Category names in `categoryIds` order (the id as text when the file has no name). */
  readonly categoryNames: readonly string[];
  readonly imageIndex: ReadonlyMap<number, number>;
  readonly categoryIndex: ReadonlyMap<number, number>;
  /** Number of annotations kept (on a listed image and category). */
  readonly count: number;
  /** `[x, y, w, h]` per annotation, flat. */
  readonly boxes: Float64Array;
  /** The annotation's own `area` field (what area ranges use for GTs, as in COCO). */
  readonly areas: Float64Array;
  readonly crowd: Uint8Array;
  readonly ids: Float64Array;
  readonly image: Int32Array;
  readonly category: Int32Array;
  readonly warnings: readonly CocoWarning[];
}

const PART = 'groundTruth' as const;

/**
 * Validates a parsed COCO instances JSON (`{images, categories, annotations}`). Throws a
 * {@link CocoInputError} naming the offending record; annotations on images or categories
 * that are not listed are dropped like pycocotools does, and reported in `warnings`.
 */
export function loadGroundTruth(json: unknown): GroundTruth {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    const hint = Array.isArray(json) ? ' (an array looks like a detections/results file)' : '';
    throw new CocoInputError(
      `expected a COCO instances object {images, categories, annotations}, got ${show(json)}${hint}`,
      PART,
    );
  }
  const root = json as Record<string, unknown>;
  const warnings: CocoWarning[] = [];
  const images = readIds(root, 'images', warnings);
  const categories = readIds(root, 'categories', warnings);
  const categoryNames = categories.ids.map((id, k) => categories.names[k] ?? String(id));
  const anns = root.annotations ?? [];
  if (!Array.isArray(anns)) throw new CocoInputError(`"annotations" is ${show(anns)}, expected an array`, PART);
  return {
    imageIds: Float64Array.from(images.ids),
    categoryIds: Float64Array.from(categories.ids),
    categoryNames,
    imageIndex: images.index,
    categoryIndex: categories.index,
    ...readAnnotations(anns, images.index, categories.index, warnings),
    warnings,
  };
}

interface IdList {
  ids: number[];
  names: (string | undefined)[];
  index: Map<number, number>;
}

function readIds(root: Record<string, unknown>, key: 'images' | 'categories', warnings: CocoWarning[]): IdList {
  const list = root[key];
  if (!Array.isArray(list)) throw new CocoInputError(`"${key}" is ${show(list)}, expected an array`, PART);
  const nameOf = new Map<number, string | undefined>();
  const duplicates = new WarningCounter();
  list.forEach((item, i) => {
    const where = () => `${key}[${i}]`;
    const record = requireRecord(item, PART, where);
    const id = requireInteger(record, 'id', PART, where);
    if (nameOf.has(id)) duplicates.add(() => `${key}[${i}] id ${id}`);
    nameOf.set(id, typeof record.name === 'string' ? record.name : undefined);
  });
  const what = key === 'images' ? 'image' : 'category';
  duplicates.flush(
    warnings,
    PART,
    key === 'images' ? 'duplicate-image' : 'duplicate-category',
    (n) => `${n} duplicate ${what} id(s) merged`,
  );
  const ids = [...nameOf.keys()].sort((a, b) => a - b);
  return { ids, names: ids.map((id) => nameOf.get(id)), index: new Map(ids.map((id, i) => [id, i])) };
}

function readAnnotations(
  anns: unknown[],
  imageIndex: Map<number, number>,
  categoryIndex: Map<number, number>,
  warnings: CocoWarning[],
) {
  const n = anns.length;
  const boxes = new Float64Array(4 * n);
  const areas = new Float64Array(n);
  const crowd = new Uint8Array(n);
  const ids = new Float64Array(n);
  const image = new Int32Array(n);
  const category = new Int32Array(n);
  const seenIds = new Map<number, number>();
  const unknownImage = new WarningCounter();
  const unknownCategory = new WarningCounter();
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const record = requireRecord(anns[i], PART, () => `annotations[${i}]`);
    const where = () => `annotations[${i}] (id ${show(record.id)})`;
    const id = requireInteger(record, 'id', PART, where);
    const imageId = requireInteger(record, 'image_id', PART, where);
    const categoryId = requireInteger(record, 'category_id', PART, where);
    requireBbox(record, PART, where, boxes, kept);
    const area = requireFinite(record, 'area', PART, where);
    if (area < 0) fail(PART, where, `"area" is ${area}, expected >= 0`);
    const isCrowd = readCrowd(record, where);
    // pycocotools keys annotations by id: a repeated id silently replaces the earlier record.
    const first = seenIds.get(id);
    if (first !== undefined)
      fail(PART, where, `duplicate annotation id ${id} (also annotations[${first}]); ids must be unique`);
    seenIds.set(id, i);
    const img = imageIndex.get(imageId);
    const cat = categoryIndex.get(categoryId);
    if (img === undefined) {
      unknownImage.add(() => `annotations[${i}] image_id ${imageId}`);
      continue;
    }
    if (cat === undefined) {
      unknownCategory.add(() => `annotations[${i}] category_id ${categoryId}`);
      continue;
    }
    areas[kept] = area;
    crowd[kept] = isCrowd;
    ids[kept] = id;
    image[kept] = img;
    category[kept] = cat;
    kept++;
  }
  unknownImage.flush(
    warnings,
    PART,
    'unknown-image',
    (c) => `${c} annotation(s) on image ids not in "images" were ignored, as pycocotools does`,
  );
  unknownCategory.flush(
    warnings,
    PART,
    'unknown-category',
    (c) => `${c} annotation(s) with category ids not in "categories" were ignored, as pycocotools does`,
  );
  return {
    count: kept,
    boxes: boxes.subarray(0, 4 * kept),
    areas: areas.subarray(0, kept),
    crowd: crowd.subarray(0, kept),
    ids: ids.subarray(0, kept),
    image: image.subarray(0, kept),
    category: category.subarray(0, kept),
  };
}

/** `iscrowd`: 0/1 or a boolean; absent means 0 (pycocotools would raise a KeyError). */
function readCrowd(record: Record<string, unknown>, where: () => string): 0 | 1 {
  const value = record.iscrowd;
  if (value === undefined || value === 0 || value === false) return 0;
  if (value === 1 || value === true) return 1;
  fail(PART, where, `"iscrowd" is ${show(value)}, expected 0 or 1`);
}
