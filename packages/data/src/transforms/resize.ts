import { affineBoxes, clipBoxes, selectLabels } from './box-ops.js';
import type { ImageCanvas, Sample, Transform } from './sample.js';

export interface ResizeOptions {
  /** Target width (or, with `keepRatio`, the bound on the long edge when width ≥ height). */
  width: number;
  height: number;
  /**
   * Keep the aspect ratio: scale by the largest factor for which the long edge fits
   * max(width, height) and the short edge fits min(width, height) — mmdetection's
   * `keep_ratio=True` with scale (833, 500), or torchvision's (min_size, max_size).
   */
  keepRatio?: boolean;
  /**
   * With `keepRatio`: fit inside `width` × `height` exactly as given (width is always the
   * horizontal bound), instead of bounding the long and short edges. A portrait image then
   * stays within the same box as a landscape one, so a batch never exceeds the configured
   * input size (the `resize-train` / `resize-test` presets).
   */
  fitInside?: boolean;
}

/** Output size of {@link resize} for an input of `width` × `height`. */
export function resizedSize(width: number, height: number, options: ResizeOptions): [number, number] {
  if (!options.keepRatio) return [options.width, options.height];
  if (options.fitInside) {
    const factor = Math.min(options.width / width, options.height / height);
    return [Math.max(1, Math.floor(width * factor + 0.5)), Math.max(1, Math.floor(height * factor + 0.5))];
  }
  const longBound = Math.max(options.width, options.height);
  const shortBound = Math.min(options.width, options.height);
  const factor = Math.min(longBound / Math.max(width, height), shortBound / Math.min(width, height));
  return [Math.max(1, Math.floor(width * factor + 0.5)), Math.max(1, Math.floor(height * factor + 0.5))];
}

/**
 * Bilinear resize (pixel centres aligned, edges clamped: OpenCV's INTER_LINEAR, which
 * mmdetection uses) with boxes scaled by new/old size per axis.
 */
export function resize(options: ResizeOptions): Transform {
  if (!(options.width > 0 && options.height > 0))
    throw new RangeError(`resize: width and height must be > 0, got ${options.width}x${options.height}`);
  return {
    name: resizeName(options),
    apply(sample: Sample): Sample {
      const { width, height } = sample.image;
      const [newWidth, newHeight] = resizedSize(width, height, options);
      const sx = newWidth / width;
      const sy = newHeight / height;
      const scaled = clipBoxes(affineBoxes(sample.boxes, sx, 0, sy, 0), newWidth, newHeight);
      const ignore = clipBoxes(affineBoxes(sample.ignoreBoxes, sx, 0, sy, 0), newWidth, newHeight);
      const a = sample.meta.affine;
      return {
        image: resampleBilinear(sample.image, newWidth, newHeight),
        boxes: scaled.boxes,
        labels: selectLabels(sample.labels, scaled.kept),
        ignoreBoxes: ignore.boxes,
        meta: {
          ...sample.meta,
          affine: { sx: a.sx * sx, tx: a.tx * sx, sy: a.sy * sy, ty: a.ty * sy },
          validWidth: newWidth,
          validHeight: newHeight,
        },
      };
    },
  };
}

function resizeName(o: ResizeOptions): string {
  if (!o.keepRatio) return `resize(${o.width}x${o.height})`;
  return o.fitInside ? `resize(fit inside ${o.width}x${o.height})` : `resize(keep ratio, ${o.width}x${o.height})`;
}

/**
 * Bilinear resampling of a canvas to `outWidth` × `outHeight`. Source taps are computed once
 * per column and per row (as data offsets, or -1 where the canvas shows its fill), so the
 * per-pixel loop only blends.
 */
export function resampleBilinear(image: ImageCanvas, outWidth: number, outHeight: number): ImageCanvas {
  const cols = taps(image.width, outWidth, image.offsetX, image.dataWidth, 3);
  const rows = taps(image.height, outHeight, image.offsetY, image.dataHeight, image.dataWidth * 3);
  const out = new Float32Array(outWidth * outHeight * 3);
  for (let y = 0; y < outHeight; y++) {
    if (rows.a[y] >= 0 && rows.b[y] >= 0)
      resampleRowFast(image, cols, rows.a[y], rows.b[y], rows.w[y], out, y * outWidth * 3, outWidth);
    else resampleRowGeneral(image, cols, rows.a[y], rows.b[y], rows.w[y], out, y * outWidth * 3, outWidth);
  }
  return {
    width: outWidth,
    height: outHeight,
    data: out,
    dataWidth: outWidth,
    dataHeight: outHeight,
    offsetX: 0,
    offsetY: 0,
    fill: [...image.fill],
  };
}

type Taps = { a: Int32Array; b: Int32Array; w: Float32Array };

/** A row whose two source rows are both inside the data: only columns may fall on the fill. */
function resampleRowFast(
  image: ImageCanvas,
  cols: Taps,
  r0: number,
  r1: number,
  wy: number,
  out: Float32Array,
  o: number,
  outWidth: number,
): void {
  const data = image.data;
  for (let x = 0; x < outWidth; x++, o += 3) {
    const c0 = cols.a[x];
    const c1 = cols.b[x];
    if (c0 < 0 || c1 < 0) {
      blendPixel(
        image,
        r0 >= 0 && c0 >= 0 ? r0 + c0 : -1,
        c1 >= 0 ? r0 + c1 : -1,
        c0 >= 0 ? r1 + c0 : -1,
        c1 >= 0 ? r1 + c1 : -1,
        cols.w[x],
        wy,
        out,
        o,
      );
      continue;
    }
    const wx = cols.w[x];
    const i00 = r0 + c0;
    const i01 = r0 + c1;
    const i10 = r1 + c0;
    const i11 = r1 + c1;
    let top = data[i00] + (data[i01] - data[i00]) * wx;
    let bottom = data[i10] + (data[i11] - data[i10]) * wx;
    out[o] = top + (bottom - top) * wy;
    top = data[i00 + 1] + (data[i01 + 1] - data[i00 + 1]) * wx;
    bottom = data[i10 + 1] + (data[i11 + 1] - data[i10 + 1]) * wx;
    out[o + 1] = top + (bottom - top) * wy;
    top = data[i00 + 2] + (data[i01 + 2] - data[i00 + 2]) * wx;
    bottom = data[i10 + 2] + (data[i11 + 2] - data[i10 + 2]) * wx;
    out[o + 2] = top + (bottom - top) * wy;
  }
}

function resampleRowGeneral(
  image: ImageCanvas,
  cols: Taps,
  r0: number,
  r1: number,
  wy: number,
  out: Float32Array,
  o: number,
  outWidth: number,
): void {
  for (let x = 0; x < outWidth; x++, o += 3) {
    const c0 = cols.a[x];
    const c1 = cols.b[x];
    blendPixel(
      image,
      r0 >= 0 && c0 >= 0 ? r0 + c0 : -1,
      r0 >= 0 && c1 >= 0 ? r0 + c1 : -1,
      r1 >= 0 && c0 >= 0 ? r1 + c0 : -1,
      r1 >= 0 && c1 >= 0 ? r1 + c1 : -1,
      cols.w[x],
      wy,
      out,
      o,
    );
  }
}

/** One output pixel from four taps given as data offsets (-1 = the canvas fill). */
function blendPixel(
  image: ImageCanvas,
  i00: number,
  i01: number,
  i10: number,
  i11: number,
  wx: number,
  wy: number,
  out: Float32Array,
  o: number,
): void {
  const { data, fill } = image;
  for (let c = 0; c < 3; c++) {
    const f = fill[c];
    const v00 = i00 >= 0 ? data[i00 + c] : f;
    const v01 = i01 >= 0 ? data[i01 + c] : f;
    const v10 = i10 >= 0 ? data[i10 + c] : f;
    const v11 = i11 >= 0 ? data[i11 + c] : f;
    const top = v00 + (v01 - v00) * wx;
    const bottom = v10 + (v11 - v10) * wx;
    out[o + c] = top + (bottom - top) * wy;
  }
}

/**
 * Per output coordinate: the two source taps as data offsets (`stride` per step; -1 = fill) and
 * the weight of the second.
 */
function taps(inSize: number, outSize: number, dataOffset: number, dataSize: number, stride: number): Taps {
  const a = new Int32Array(outSize);
  const b = new Int32Array(outSize);
  const w = new Float32Array(outSize);
  const scale = inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    let s = (i + 0.5) * scale - 0.5;
    if (s < 0) s = 0;
    let s0 = Math.floor(s);
    if (s0 > inSize - 1) s0 = inSize - 1;
    const s1 = Math.min(s0 + 1, inSize - 1);
    w[i] = s - s0 > 1 ? 1 : s - s0;
    const d0 = s0 - dataOffset;
    const d1 = s1 - dataOffset;
    a[i] = d0 >= 0 && d0 < dataSize ? d0 * stride : -1;
    b[i] = d1 >= 0 && d1 < dataSize ? d1 * stride : -1;
  }
  return { a, b, w };
}
