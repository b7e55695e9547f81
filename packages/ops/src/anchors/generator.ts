/**
 * Anchor generation with mmdet v2 conventions.
 *
 * Base anchors of a level (ratio-major, then scale: index = ratioIdx·numScales + scaleIdx):
 *   w = baseSize · scale / sqrt(ratio),  h = baseSize · scale · sqrt(ratio)   (ratio = h/w)
 *   centred at (centerOffset·baseSize, centerOffset·baseSize) — 0 by default (mmdet v2);
 *   base sizes default to the strides.
 * Grid anchors: for each location in row-major (y, x) order, all A base anchors shifted by
 * (x·stride, y·stride). Flat index = ((y·W + x)·A + a), which is exactly the order of an NHWC
 * head output `[H, W, A·k]` reshaped to `[H·W·A, k]`.
 *
 * Unlike torchvision, base anchors are NOT rounded to integers.
 */
import { type AnchorConfig, type ResolvedAnchorConfig, resolveAnchorConfig } from './config.js';

export type FeatureSize = readonly [height: number, width: number];

export class AnchorGenerator {
  readonly config: ResolvedAnchorConfig;
  /** Base anchors per level, flat xyxy `[A·4]` (float64). */
  readonly baseAnchors: Float64Array[];

  constructor(config: AnchorConfig) {
    this.config = resolveAnchorConfig(config);
    this.baseAnchors = this.config.baseSizes.map((s) => this.levelBaseAnchors(s));
  }

  get numLevels(): number {
    return this.config.strides.length;
  }

  /** Anchors per location (A = ratios × scales). */
  get numBaseAnchors(): number {
    return this.config.ratios.length * this.config.scales.length;
  }

  /** Feature map sizes of an image padded to `[height, width]`: ceil(size / stride). */
  featureSizes(height: number, width: number): FeatureSize[] {
    return this.config.strides.map((s) => [Math.ceil(height / s), Math.ceil(width / s)] as const);
  }

  private levelBaseAnchors(baseSize: number): Float64Array {
    const { ratios, scales, centerOffset } = this.config;
    const out = new Float64Array(ratios.length * scales.length * 4);
    const c = centerOffset * baseSize; // mmdet v2 scales the offset by the base size
    let o = 0;
    for (const ratio of ratios) {
      const hRatio = Math.sqrt(ratio);
      for (const scale of scales) {
        const w = (baseSize / hRatio) * scale;
        const h = baseSize * hRatio * scale;
        out.set([c - 0.5 * w, c - 0.5 * h, c + 0.5 * w, c + 0.5 * h], o);
        o += 4;
      }
    }
    return out;
  }

  /** Anchors of one level for a `[H, W]` feature map: flat xyxy, float32, `[H·W·A·4]`. */
  levelAnchors(level: number, size: FeatureSize): Float32Array {
    this.checkLevel(level);
    const [fh, fw] = checkSize(size);
    const base = this.baseAnchors[level];
    const stride = this.config.strides[level];
    const a4 = base.length;
    const out = new Float32Array(fh * fw * a4);
    let o = 0;
    for (let y = 0; y < fh; y++) {
      const sy = y * stride;
      for (let x = 0; x < fw; x++) {
        const sx = x * stride;
        for (let k = 0; k < a4; k += 4) {
          out[o++] = base[k] + sx;
          out[o++] = base[k + 1] + sy;
          out[o++] = base[k + 2] + sx;
          out[o++] = base[k + 3] + sy;
        }
      }
    }
    return out;
  }

  /**
   * All levels concatenated (P_low first): `anchors` flat xyxy and `levelStart[l]` = index of
   * the first anchor of level l (plus a final entry = total count).
   */
  gridAnchors(sizes: readonly FeatureSize[]): { anchors: Float32Array; levelStart: number[] } {
    if (sizes.length !== this.numLevels)
      throw new RangeError(`gridAnchors: ${sizes.length} feature sizes for ${this.numLevels} levels`);
    const levels = sizes.map((s, l) => this.levelAnchors(l, s));
    const levelStart = [0];
    for (const lv of levels) levelStart.push(levelStart[levelStart.length - 1] + lv.length / 4);
    const anchors = new Float32Array(levelStart[levelStart.length - 1] * 4);
    levels.forEach((lv, l) => anchors.set(lv, levelStart[l] * 4));
    return { anchors, levelStart };
  }

  /**
   * Valid flags (1/0) of one level for an image whose content is `validShape = [h, w]` inside a
   * padded batch whose feature map is `size`: a location is valid iff
   * y < min(ceil(h/stride), H) and x < min(ceil(w/stride), W) (mmdet `valid_flags`); all A
   * anchors of a location share its flag. Same order as {@link levelAnchors}.
   */
  levelValidFlags(level: number, size: FeatureSize, validShape: readonly [number, number]): Uint8Array {
    this.checkLevel(level);
    const [fh, fw] = checkSize(size);
    const stride = this.config.strides[level];
    const vh = Math.min(Math.ceil(validShape[0] / stride), fh);
    const vw = Math.min(Math.ceil(validShape[1] / stride), fw);
    const a = this.numBaseAnchors;
    const out = new Uint8Array(fh * fw * a);
    for (let y = 0; y < vh; y++) out.fill(1, y * fw * a, (y * fw + vw) * a);
    return out;
  }

  /** Valid flags of all levels concatenated, matching {@link gridAnchors}. */
  validFlags(sizes: readonly FeatureSize[], validShape: readonly [number, number]): Uint8Array {
    const levels = sizes.map((s, l) => this.levelValidFlags(l, s, validShape));
    const out = new Uint8Array(levels.reduce((n, f) => n + f.length, 0));
    let o = 0;
    for (const f of levels) {
      out.set(f, o);
      o += f.length;
    }
    return out;
  }

  private checkLevel(level: number): void {
    if (!Number.isInteger(level) || level < 0 || level >= this.numLevels) {
      throw new RangeError(`AnchorGenerator: level ${level} out of range [0, ${this.numLevels})`);
    }
  }
}

function checkSize(size: FeatureSize): FeatureSize {
  const [h, w] = size;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 0 || w < 0) {
    throw new RangeError(`AnchorGenerator: feature size must be two non-negative integers, got [${size.join(', ')}]`);
  }
  return size;
}
