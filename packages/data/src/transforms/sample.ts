import type { Rng } from '../rng.js';

/**
 * A float RGB image (HWC) on a canvas that may be larger than its pixel data: canvas pixel
 * (x, y) is `data` pixel (x - offsetX, y - offsetY) where that lies inside the data, and
 * `fill` elsewhere. Expand and crop only move the canvas (O(1)), so the 4x expansion of the
 * SSD pipeline never allocates the 16x larger buffer; resize reads the canvas directly.
 */
export interface ImageCanvas {
  width: number;
  height: number;
  data: Float32Array;
  dataWidth: number;
  dataHeight: number;
  offsetX: number;
  offsetY: number;
  /** Values outside the data, rounded to float32 so a lazy canvas reads exactly like its dense copy. */
  fill: [number, number, number];
}

/** Where a sample came from and how its coordinates relate to the original image's. */
export interface SampleMeta {
  /** Position in the dataset. */
  index: number;
  imageId: number;
  file: string;
  originalWidth: number;
  originalHeight: number;
  /**
   * Current coordinates from original ones: x' = sx·x + tx, y' = sy·y + ty (sx < 0 after a
   * flip). Map detections back with {@link toOriginalBoxes}.
   */
  affine: { sx: number; tx: number; sy: number; ty: number };
  /** The image's own extent before padding; the loader's valid-pixel mask covers it. */
  validWidth: number;
  validHeight: number;
}

/** An image with its boxes (x1, y1, x2, y2 rows, pixels), labels and crowd ignore boxes. */
export interface Sample {
  image: ImageCanvas;
  boxes: Float32Array;
  labels: Int32Array;
  ignoreBoxes: Float32Array;
  meta: SampleMeta;
}

/** A step of a pipeline: returns the new sample (may reuse the input's arrays). */
export interface Transform {
  readonly name: string;
  apply(sample: Sample, rng: Rng): Sample;
}

/** Wraps decoded pixels (any numeric HWC RGB array) as a dense canvas of float32. */
export function canvasFromPixels(pixels: ArrayLike<number>, width: number, height: number): ImageCanvas {
  if (pixels.length !== width * height * 3)
    throw new RangeError(`expected ${width * height * 3} values for ${width}x${height} RGB, got ${pixels.length}`);
  // The typed-array constructor converts natively (several times faster than a JS loop).
  const data = ArrayBuffer.isView(pixels)
    ? new Float32Array(pixels as unknown as ArrayLike<number> & Iterable<number>)
    : Float32Array.from(pixels);
  return { width, height, data, dataWidth: width, dataHeight: height, offsetX: 0, offsetY: 0, fill: [0, 0, 0] };
}

/** True when the canvas is exactly its data (no virtual border, no hidden data). */
export function isDense(image: ImageCanvas): boolean {
  return (
    image.offsetX === 0 && image.offsetY === 0 && image.dataWidth === image.width && image.dataHeight === image.height
  );
}

/** The canvas as plain pixels (copies only when it is not dense already). */
export function densify(image: ImageCanvas): ImageCanvas {
  if (isDense(image)) return image;
  const { width, height } = image;
  const out = new Float32Array(width * height * 3);
  writeCanvasInto(image, out, width, height);
  return {
    width,
    height,
    data: out,
    dataWidth: width,
    dataHeight: height,
    offsetX: 0,
    offsetY: 0,
    fill: [...image.fill],
  };
}

/**
 * Writes the canvas into the top-left of an HWC buffer `outWidth` pixels wide and
 * `outHeight` tall; outside the canvas the buffer is left as it is (the caller's padding).
 */
export function writeCanvasInto(
  image: ImageCanvas,
  out: Float32Array,
  outWidth: number,
  outHeight: number,
  outOffset = 0,
): void {
  const { data, dataWidth, dataHeight, offsetX, offsetY, fill } = image;
  const width = Math.min(image.width, outWidth);
  const height = Math.min(image.height, outHeight);
  // Columns [x0, x1) of each row come from data; the rest is fill.
  const x0 = Math.max(0, Math.min(width, offsetX));
  const x1 = Math.max(x0, Math.min(width, offsetX + dataWidth));
  for (let y = 0; y < height; y++) {
    const row = outOffset + y * outWidth * 3;
    const dy = y - offsetY;
    if (dy < 0 || dy >= dataHeight) {
      fillRange(out, row, row + width * 3, fill);
      continue;
    }
    fillRange(out, row, row + x0 * 3, fill);
    const src = (dy * dataWidth + (x0 - offsetX)) * 3;
    out.set(data.subarray(src, src + (x1 - x0) * 3), row + x0 * 3);
    fillRange(out, row + x1 * 3, row + width * 3, fill);
  }
}

function fillRange(out: Float32Array, start: number, end: number, fill: readonly number[]): void {
  const r = fill[0];
  const g = fill[1];
  const b = fill[2];
  for (let i = start; i < end; i += 3) {
    out[i] = r;
    out[i + 1] = g;
    out[i + 2] = b;
  }
}

/** Maps boxes in the sample's current coordinates back to the original image's. */
export function toOriginalBoxes(boxes: Float32Array, meta: SampleMeta): Float32Array {
  const { sx, tx, sy, ty } = meta.affine;
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    const ax = (boxes[i] - tx) / sx;
    const bx = (boxes[i + 2] - tx) / sx;
    const ay = (boxes[i + 1] - ty) / sy;
    const by = (boxes[i + 3] - ty) / sy;
    out[i] = Math.min(ax, bx);
    out[i + 1] = Math.min(ay, by);
    out[i + 2] = Math.max(ax, bx);
    out[i + 3] = Math.max(ay, by);
  }
  return out;
}
