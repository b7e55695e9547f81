import { CocoInputError } from './errors.js';
import type { GroundTruth } from './ground-truth.js';
import { fail, requireBbox, requireFinite, requireInteger, requireRecord, show } from './record-fields.js';
import { scanDetections } from './results-scanner.js';
import { WarningCounter, type CocoWarning } from './warnings.js';

/**
 * Detections in COCO results format, validated against a {@link GroundTruth} and laid out as
 * typed arrays in file order (which breaks score ties, as in pycocotools).
 */
export interface Detections {
  /** Number of detections kept (those whose category is in the GT). */
  readonly count: number;
  /** `[x, y, w, h]` per detection, flat. */
  readonly boxes: Float64Array;
  readonly scores: Float64Array;
  /** Index into `gt.imageIds` / `gt.categoryIds`. */
  readonly image: Int32Array;
  readonly category: Int32Array;
  /** pycocotools' detection id: 1-based position in the results list (dropped ones included). */
  readonly ids: Float64Array;
  readonly warnings: readonly CocoWarning[];
}

const PART = 'detections' as const;

/**
 * Applies `COCO.loadRes` rules to a parsed results list `[{image_id, category_id, bbox, score}]`:
 * ids are 1-based positions, area = w·h, iscrowd = 0. Every detection must be on an image of
 * the GT (pycocotools asserts this). Detections of a category not in the GT are dropped, as
 * pycocotools' evaluate does silently; here they are counted in `warnings`.
 */
export function loadDetections(json: unknown, gt: GroundTruth): Detections {
  if (!Array.isArray(json)) {
    const looksLikeGt = typeof json === 'object' && json !== null && 'annotations' in json;
    const hint = looksLikeGt ? ' (this looks like a COCO instances file, not a results list)' : '';
    throw new CocoInputError(
      `expected a JSON array of detections [{image_id, category_id, bbox, score}], got ${show(json)}${hint}`,
      PART,
    );
  }
  const n = json.length;
  const boxes = new Float64Array(4 * n);
  const scores = new Float64Array(n);
  const image = new Int32Array(n);
  const category = new Int32Array(n);
  const ids = new Float64Array(n);
  const unknownCategory = new WarningCounter();
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const where = () => `detection [${i}] (id ${i + 1})`;
    const record = requireRecord(json[i], PART, where);
    const imageId = requireInteger(record, 'image_id', PART, where);
    const categoryId = requireInteger(record, 'category_id', PART, where);
    requireBbox(record, PART, where, boxes, kept);
    const score = requireFinite(record, 'score', PART, where);
    const img = gt.imageIndex.get(imageId);
    if (img === undefined) fail(PART, where, `image_id ${imageId} is not an image of the ground truth`);
    const cat = gt.categoryIndex.get(categoryId);
    if (cat === undefined) {
      unknownCategory.add(() => `detection [${i}] category_id ${categoryId}`);
      continue;
    }
    scores[kept] = score;
    image[kept] = img;
    category[kept] = cat;
    ids[kept] = i + 1;
    kept++;
  }
  const warnings: CocoWarning[] = [];
  unknownCategory.flush(
    warnings,
    PART,
    'unknown-category',
    (c) => `${c} detection(s) with category ids not in the ground truth were ignored, as pycocotools does`,
  );
  return {
    count: kept,
    boxes: boxes.subarray(0, 4 * kept),
    scores: scores.subarray(0, kept),
    image: image.subarray(0, kept),
    category: category.subarray(0, kept),
    ids: ids.subarray(0, kept),
    warnings,
  };
}

/**
 * {@link loadDetections} from the raw bytes of a results file (e.g. a `fetch` response's
 * ArrayBuffer): the fast scanner when it applies, `JSON.parse` + validation otherwise.
 */
export function loadDetectionsFromBytes(bytes: Uint8Array, gt: GroundTruth): Detections {
  return scanDetections(bytes, gt) ?? loadDetections(JSON.parse(new TextDecoder().decode(bytes)), gt);
}
