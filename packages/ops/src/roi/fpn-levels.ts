import type * as tf from '@tensorflow/tfjs';

/**
 * Which FPN level a RoI is pooled from (Lin et al., FPN, eq. 1), torchvision's `LevelMapper`:
 *   k = floor(canonicalLevel + log2(sqrt(w·h) / canonicalScale) + eps), clamped to [minLevel, maxLevel]
 * with w = x2 − x1, h = y2 − y1 in image pixels (no +1). The eps (1e-6, added to the level)
 * makes boxes of exactly canonicalScale·2^j land on level canonicalLevel + j despite log2
 * rounding. mmdet's `map_roi_levels` (finest_scale 56 = 224/4, eps inside the log2) gives
 * the same levels except within ~1e-6 relative of a boundary.
 */
export interface FpnLevelOptions {
  /** Lowest level (e.g. 2 for P2, stride 4). */
  minLevel: number;
  /** Highest level (e.g. 5 for P5, stride 32). */
  maxLevel: number;
  /** Box size that maps to canonicalLevel, default 224 (the ImageNet pre-training size). */
  canonicalScale?: number;
  /** Default 4. */
  canonicalLevel?: number;
  /** Default 1e-6. */
  eps?: number;
}

/** FPN level of one box; boxes with zero, negative or non-finite area go to minLevel. */
export function fpnLevelOfBox(x1: number, y1: number, x2: number, y2: number, o: FpnLevelOptions): number {
  const area = (x2 - x1) * (y2 - y1);
  if (!(area > 0) || !Number.isFinite(area)) return o.minLevel;
  const scale = Math.sqrt(area);
  const k = Math.floor((o.canonicalLevel ?? 4) + Math.log2(scale / (o.canonicalScale ?? 224)) + (o.eps ?? 1e-6));
  return Math.min(o.maxLevel, Math.max(o.minLevel, k));
}

/**
 * FPN level of every RoI of a [K,5] `(batchIndex, x1, y1, x2, y2)` or [K,4] `(x1, y1, x2, y2)`
 * tensor (read with dataSync). Returns absolute levels (minLevel … maxLevel).
 */
export function mapRoisToLevels(rois: tf.Tensor2D, o: FpnLevelOptions): Int32Array {
  if (rois.rank !== 2 || (rois.shape[1] !== 5 && rois.shape[1] !== 4)) {
    throw new Error(`mapRoisToLevels: rois must be [K,5] or [K,4], got shape [${rois.shape.join(',')}]`);
  }
  if (!Number.isInteger(o.minLevel) || !Number.isInteger(o.maxLevel) || o.minLevel > o.maxLevel) {
    throw new Error(
      `mapRoisToLevels: minLevel/maxLevel must be integers with minLevel <= maxLevel, got ${o.minLevel}/${o.maxLevel}`,
    );
  }
  const cols = rois.shape[1];
  const skip = cols - 4;
  const data = rois.dataSync();
  const levels = new Int32Array(rois.shape[0]);
  for (let k = 0; k < levels.length; k++) {
    const b = k * cols + skip;
    levels[k] = fpnLevelOfBox(data[b], data[b + 1], data[b + 2], data[b + 3], o);
  }
  return levels;
}
