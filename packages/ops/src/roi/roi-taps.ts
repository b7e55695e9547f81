import { axisTaps, type AxisTaps } from './axis-taps.js';

/** RoIAlign options, torchvision semantics (see {@link roiAlign}). */
export interface RoiAlignOptions {
  /** Output bins [oh, ow]. */
  outputSize: [number, number];
  /** Factor from image coordinates to feature-map pixels (1 / stride). */
  spatialScale: number;
  /** Samples per bin and axis; 0 = adaptive ceil(roiSize / outputSize) per RoI. */
  samplingRatio: number;
  /** true: shift by −0.5 px after scaling (pixel-centre model), no minimum RoI size;
   *  false: the legacy Detectron behaviour, RoI width/height clamped to ≥ 1 px. */
  aligned: boolean;
}

/** Separable sampling weights of one RoI on one feature map. */
export interface RoiTaps {
  /** rows[ph]: feature rows touched by output row ph, weights summed over its samples. */
  readonly rows: AxisTaps[];
  /** cols[pw]: feature columns touched by output column pw. */
  readonly cols: AxisTaps[];
  /** Samples per bin (the divisor of the bin mean), ≥ 1. */
  readonly count: number;
}

/**
 * The sampling weights of one RoI `(x1, y1, x2, y2)` (image coordinates) on a feature map
 * of size height × width, reproducing torchvision.ops.roi_align (float64 arithmetic, same
 * operation order as its CPU kernel).
 */
export function roiTaps(
  box: readonly [number, number, number, number],
  o: RoiAlignOptions,
  height: number,
  width: number,
): RoiTaps {
  const [oh, ow] = o.outputSize;
  const offset = o.aligned ? 0.5 : 0;
  const startX = box[0] * o.spatialScale - offset;
  const startY = box[1] * o.spatialScale - offset;
  let roiW = box[2] * o.spatialScale - offset - startX;
  let roiH = box[3] * o.spatialScale - offset - startY;
  if (!o.aligned) {
    roiW = Math.max(roiW, 1);
    roiH = Math.max(roiH, 1);
  }
  const binH = roiH / oh;
  const binW = roiW / ow;
  // torchvision casts ceil() of a possibly negative size to int; a negative grid means no samples.
  const gridH = Math.max(o.samplingRatio > 0 ? o.samplingRatio : Math.ceil(roiH / oh), 0);
  const gridW = Math.max(o.samplingRatio > 0 ? o.samplingRatio : Math.ceil(roiW / ow), 0);
  const ySampling = { start: startY, binSize: binH, grid: gridH, extent: height };
  const xSampling = { start: startX, binSize: binW, grid: gridW, extent: width };
  const rows = Array.from({ length: oh }, (_, ph) => axisTaps(ySampling, ph));
  const cols = Array.from({ length: ow }, (_, pw) => axisTaps(xSampling, pw));
  return { rows, cols, count: Math.max(gridH * gridW, 1) };
}

/** Largest number of (row, column) cells any bin of this RoI touches. */
export function maxCellsPerBin(t: RoiTaps): number {
  const maxRows = Math.max(1, ...t.rows.map((r) => r.index.length));
  const maxCols = Math.max(1, ...t.cols.map((c) => c.index.length));
  return maxRows * maxCols;
}
