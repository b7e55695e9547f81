import { UserError } from '@apdet/io';
import { CocoIndex, type CocoIndexOptions } from '../coco/coco-index.js';
import { imageFilePath } from '../coco/image-file.js';
import { loadRgbImage } from '../image/load-image.js';
import { canvasFromPixels, type Sample, type SampleMeta } from '../transforms/sample.js';

/** Random access to untransformed samples. */
export interface DetectionDataset {
  readonly length: number;
  /** width / height of item `index`, known without decoding (for aspect-ratio grouping). */
  aspectRatio(index: number): number;
  /** Loads item `index` with fresh buffers (transforms may modify them in place). */
  load(index: number): Promise<Sample>;
  /** Item `index` as an image file plus targets, for decoding elsewhere (worker threads). Optional. */
  source?(index: number): SampleSource;
}

/** An image file and its targets, not decoded yet (plain data: it can be posted to a worker). */
export interface SampleSource {
  file: string;
  boxes: Float32Array;
  labels: Int32Array;
  ignoreBoxes: Float32Array;
  /** `originalWidth` / `originalHeight` are the size the record promises. */
  meta: SampleMeta;
}

/** Decodes a {@link SampleSource}; its size must match the record, or the boxes would be wrong. */
export async function loadSampleSource(source: SampleSource): Promise<Sample> {
  const decoded = await loadRgbImage(source.file);
  const { originalWidth, originalHeight, imageId } = source.meta;
  if (decoded.width !== originalWidth || decoded.height !== originalHeight) {
    throw new UserError(
      `${source.file}: decoded as ${decoded.width}x${decoded.height} (after EXIF orientation) but image id ` +
        `${imageId} says ${originalWidth}x${originalHeight}; the boxes would not match`,
    );
  }
  return {
    image: canvasFromPixels(decoded.data, decoded.width, decoded.height),
    boxes: source.boxes,
    labels: source.labels,
    ignoreBoxes: source.ignoreBoxes,
    meta: source.meta,
  };
}

/** A COCO annotation file plus its image directory (`file_name` is relative to it). */
export class CocoDetectionDataset implements DetectionDataset {
  constructor(
    readonly index: CocoIndex,
    readonly imageDir: string,
  ) {}

  /**
   * Reads and validates `annotationFile`. Training usually passes `{ filterEmpty: true }`
   * (drop images without boxes, as mmdetection does).
   *
   * @example
   * const ds = await CocoDetectionDataset.open('data/shapes/instances_train.json', 'data/shapes/train', {
   *   filterEmpty: true,
   * });
   */
  static async open(
    annotationFile: string,
    imageDir: string,
    options: Omit<CocoIndexOptions, 'source'> = {},
  ): Promise<CocoDetectionDataset> {
    return new CocoDetectionDataset(await CocoIndex.fromFile(annotationFile, options), imageDir);
  }

  get length(): number {
    return this.index.images.length;
  }

  aspectRatio(i: number): number {
    const image = this.index.images[i];
    return image.width / image.height;
  }

  async load(i: number): Promise<Sample> {
    return loadSampleSource(this.source(i));
  }

  source(i: number): SampleSource {
    const record = this.index.images[i];
    if (record === undefined) throw new RangeError(`dataset index ${i} is outside 0..${this.length - 1}`);
    const targets = this.index.targetsOf(i);
    const file = imageFilePath(this.imageDir, record.file);
    return {
      file,
      boxes: targets.boxes.slice(),
      labels: targets.labels.slice(),
      ignoreBoxes: targets.ignoreBoxes.slice(),
      meta: {
        index: i,
        imageId: record.id,
        file,
        originalWidth: record.width,
        originalHeight: record.height,
        affine: { sx: 1, tx: 0, sy: 1, ty: 0 },
        validWidth: record.width,
        validHeight: record.height,
      },
    };
  }
}
