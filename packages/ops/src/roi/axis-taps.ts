/**
 * One axis of torchvision's RoIAlign sampling, for one output bin.
 *
 * RoIAlign's bilinear kernel is separable and so is its validity test (a sample is dropped
 * when y < -1 OR y > H OR x < -1 OR x > W, i.e. the product of a y indicator and an x
 * indicator), so a bin's weight on feature cell (r, c) is rowWeight(r) · colWeight(c) / count.
 * This file computes the per-axis weights; the caller forms the outer product.
 */

/** Distinct pixel indices touched along one axis of one bin, with their summed weights. */
export interface AxisTaps {
  readonly index: number[];
  readonly weight: number[];
}

/** Where the samples of one axis lie: the RoI start on the feature map and its bin size. */
export interface AxisSampling {
  /** RoI start in feature-map pixels (after spatialScale and the aligned −0.5 shift). */
  readonly start: number;
  /** Bin size in feature-map pixels. */
  readonly binSize: number;
  /** Samples per bin along this axis (roi_bin_grid); 0 means no sample at all. */
  readonly grid: number;
  /** Feature-map extent along this axis (H or W). */
  readonly extent: number;
}

function addTap(taps: AxisTaps, index: number, weight: number): void {
  // Zero weights come from clamped samples (lo == hi) or samples exactly on a pixel:
  // they contribute nothing to the output and nothing to the gradient, so skip them.
  if (weight === 0) return;
  const at = taps.index.indexOf(index);
  if (at >= 0) taps.weight[at] += weight;
  else {
    taps.index.push(index);
    taps.weight.push(weight);
  }
}

/**
 * Summed bilinear weights of all valid samples of bin `bin` along one axis, following
 * torchvision's `roi_align` CPU kernel exactly (float64 arithmetic in the same order):
 * sample coordinate `start + bin·binSize + (i + 0.5)·binSize / grid`; dropped if < −1 or
 * > extent; clamped to 0 from below; a sample at or past the last pixel snaps to it.
 */
export function axisTaps(s: AxisSampling, bin: number): AxisTaps {
  const taps: AxisTaps = { index: [], weight: [] };
  for (let i = 0; i < s.grid; i++) {
    let v = s.start + bin * s.binSize + ((i + 0.5) * s.binSize) / s.grid;
    if (v < -1 || v > s.extent) continue;
    if (v <= 0) v = 0;
    let lo = Math.floor(v);
    let hi: number;
    if (lo >= s.extent - 1) {
      lo = s.extent - 1;
      hi = lo;
      v = lo;
    } else {
      hi = lo + 1;
    }
    const frac = v - lo;
    addTap(taps, lo, 1 - frac);
    addTap(taps, hi, frac);
  }
  return taps;
}
