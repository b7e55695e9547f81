import { readJsonFile, UserError } from '@apdet/io';
import type { CocoJsonCategory } from './types.js';
import { validateCoco, type CocoValidationReport } from './validate.js';

/** A category in label order; `label` is the contiguous 0-based class index the model uses. */
export interface CocoCategory {
  label: number;
  id: number;
  name: string;
  supercategory?: string;
}

/** An image record; `file` is the COCO `file_name`, relative to the image directory. */
export interface CocoImage {
  id: number;
  file: string;
  width: number;
  height: number;
}

/** The ground truth of one image: boxes as (x1, y1, x2, y2) rows; crowd boxes are ignore regions. */
export interface ImageTargets {
  boxes: Float32Array;
  labels: Int32Array;
  /** `iscrowd` boxes (x1, y1, x2, y2 rows): neither positives nor negatives when training. */
  ignoreBoxes: Float32Array;
  annotationIds: Float64Array;
}

export interface CocoIndexOptions {
  /** Names the input in error messages (usually the file path). */
  source?: string;
  /** Drop images with no (non-crowd) box, as training does; evaluation keeps them. Default false. */
  filterEmpty?: boolean;
  /** Skip records with errors instead of throwing (they are still in `report`). Default false. */
  skipInvalid?: boolean;
}

/**
 * A typed, validated index of a COCO instances file: categories mapped to contiguous labels
 * (sorted by category id, as mmdetection and detectron2 do), images, and each image's
 * annotations stored in flat typed arrays grouped by image (non-crowd first, then crowd).
 */
export class CocoIndex {
  readonly categories: readonly CocoCategory[];
  readonly images: readonly CocoImage[];
  readonly report: CocoValidationReport;
  private readonly labelById: Map<number, number>;
  private readonly offsets: Int32Array;
  private readonly crowdStarts: Int32Array;
  private readonly boxes: Float32Array;
  private readonly labels: Int32Array;
  private readonly annotationIds: Float64Array;

  /** @internal Use {@link CocoIndex.fromFile} or {@link CocoIndex.fromJson}. */
  constructor(parts: {
    categories: CocoCategory[];
    images: CocoImage[];
    report: CocoValidationReport;
    offsets: Int32Array;
    crowdStarts: Int32Array;
    boxes: Float32Array;
    labels: Int32Array;
    annotationIds: Float64Array;
  }) {
    this.categories = parts.categories;
    this.images = parts.images;
    this.report = parts.report;
    this.labelById = new Map(parts.categories.map((c) => [c.id, c.label]));
    this.offsets = parts.offsets;
    this.crowdStarts = parts.crowdStarts;
    this.boxes = parts.boxes;
    this.labels = parts.labels;
    this.annotationIds = parts.annotationIds;
  }

  /** Reads, validates and indexes a COCO instances JSON file. Errors name the file and records. */
  static async fromFile(file: string, options: Omit<CocoIndexOptions, 'source'> = {}): Promise<CocoIndex> {
    return CocoIndex.fromJson(await readJsonFile(file), { ...options, source: file });
  }

  /**
   * Validates and indexes parsed COCO JSON. Throws a {@link UserError} listing the first
   * problems (and how many there are) unless `skipInvalid`.
   */
  static fromJson(json: unknown, options: CocoIndexOptions = {}): CocoIndex {
    const source = options.source ?? 'COCO annotations';
    const report = validateCoco(json);
    if (!report.ok && !options.skipInvalid) throw new UserError(summarizeErrors(source, report));
    if (report.problems.some((p) => p.kind === 'not-an-object' && p.record === '(top level)'))
      throw new UserError(summarizeErrors(source, report));
    return build(json as Record<string, unknown[]>, report, options.filterEmpty ?? false);
  }

  get numClasses(): number {
    return this.categories.length;
  }

  /** The contiguous label of a COCO category id, or -1. */
  labelOf(categoryId: number): number {
    return this.labelById.get(categoryId) ?? -1;
  }

  /** The COCO category id of a contiguous label. */
  categoryIdOf(label: number): number {
    const category = this.categories[label];
    if (category === undefined) throw new RangeError(`label ${label} is outside 0..${this.categories.length - 1}`);
    return category.id;
  }

  /** Number of annotations (crowd included) indexed. */
  get annotationCount(): number {
    return this.labels.length;
  }

  /** The targets of image `index` (views into shared arrays: copy before writing). */
  targetsOf(index: number): ImageTargets {
    const start = this.offsets[index];
    const crowd = this.crowdStarts[index];
    const end = this.offsets[index + 1];
    return {
      boxes: this.boxes.subarray(start * 4, crowd * 4),
      labels: this.labels.subarray(start, crowd),
      ignoreBoxes: this.boxes.subarray(crowd * 4, end * 4),
      annotationIds: this.annotationIds.subarray(start, end),
    };
  }
}

function build(json: Record<string, unknown[]>, report: CocoValidationReport, filterEmpty: boolean): CocoIndex {
  const rawCategories = (json.categories ?? []) as CocoJsonCategory[];
  const categories = rawCategories
    .filter((_, i) => report.invalid.categories[i] === 0)
    .map((c) => ({
      id: c.id,
      name: c.name,
      ...(typeof c.supercategory === 'string' ? { supercategory: c.supercategory } : {}),
    }))
    .sort((a, b) => a.id - b.id)
    .map((c, label) => ({ label, ...c }));
  const labelById = new Map(categories.map((c) => [c.id, c.label]));

  const rawImages = (json.images ?? []) as Record<string, unknown>[];
  const rawAnnotations = (json.annotations ?? []) as Record<string, unknown>[];
  const imagePosById = new Map<number, number>();
  const allImages: CocoImage[] = [];
  for (let i = 0; i < rawImages.length; i++) {
    if (report.invalid.images[i] === 1) continue;
    const im = rawImages[i];
    imagePosById.set(im.id as number, allImages.length);
    allImages.push({
      id: im.id as number,
      file: im.file_name as string,
      width: im.width as number,
      height: im.height as number,
    });
  }

  // Counting sort of the annotations by image (two passes, no per-image arrays).
  const n = rawAnnotations.length;
  const imageOf = new Int32Array(n).fill(-1);
  const counts = new Int32Array(allImages.length);
  const positives = new Int32Array(allImages.length);
  for (let i = 0; i < n; i++) {
    if (report.invalid.annotations[i] === 1) continue;
    const a = rawAnnotations[i];
    const pos = imagePosById.get(a.image_id as number);
    if (pos === undefined || !labelById.has(a.category_id as number)) continue;
    imageOf[i] = pos;
    counts[pos]++;
    if (!isCrowd(a)) positives[pos]++;
  }
  const keep: number[] = [];
  for (let p = 0; p < allImages.length; p++) if (!filterEmpty || positives[p] > 0) keep.push(p);
  const newPos = new Int32Array(allImages.length).fill(-1);
  const images: CocoImage[] = keep.map((p, k) => {
    newPos[p] = k;
    return allImages[p];
  });
  const offsets = new Int32Array(images.length + 1);
  const crowdStarts = new Int32Array(images.length);
  for (let k = 0; k < images.length; k++) {
    offsets[k + 1] = offsets[k] + counts[keep[k]];
    crowdStarts[k] = offsets[k] + positives[keep[k]];
  }
  const total = offsets[images.length];
  const boxes = new Float32Array(total * 4);
  const labels = new Int32Array(total);
  const annotationIds = new Float64Array(total);
  const nextPositive = offsets.slice(0, images.length);
  const nextCrowd = crowdStarts.slice();
  for (let i = 0; i < n; i++) {
    const p = imageOf[i];
    if (p < 0) continue;
    const k = newPos[p];
    if (k < 0) continue;
    const a = rawAnnotations[i];
    const slot = isCrowd(a) ? nextCrowd[k]++ : nextPositive[k]++;
    const bbox = a.bbox as number[];
    boxes[slot * 4] = bbox[0]!;
    boxes[slot * 4 + 1] = bbox[1]!;
    boxes[slot * 4 + 2] = bbox[0] + bbox[2];
    boxes[slot * 4 + 3] = bbox[1] + bbox[3];
    labels[slot] = labelById.get(a.category_id as number)!;
    annotationIds[slot] = a.id as number;
  }
  return new CocoIndex({ categories, images, report, offsets, crowdStarts, boxes, labels, annotationIds });
}

function isCrowd(a: Record<string, unknown>): boolean {
  return a.iscrowd === 1 || a.iscrowd === true;
}

/** A UserError message: the first problems in full, then how many more. */
export function summarizeErrors(source: string, report: CocoValidationReport, shown = 10): string {
  const errors = report.problems.filter((p) => p.severity === 'error');
  const lines = errors.slice(0, shown).map((p) => `  ${p.record}: ${p.message}`);
  const more =
    errors.length > shown
      ? `\n  ... and ${errors.length - shown} more (run \`apdet-data validate ${source}\` for the full list)`
      : '';
  return `${source}: ${errors.length} invalid record${errors.length === 1 ? '' : 's'}:\n${lines.join('\n')}${more}`;
}
