import type { Rng } from '../rng.js';
import type { Sample, Transform } from './sample.js';

export interface PhotometricOptions {
  /** Brightness delta bound (0–255 scale). Default 32. */
  brightnessDelta?: number;
  contrastRange?: [number, number];
  saturationRange?: [number, number];
  /** Hue delta bound in degrees. Default 18. */
  hueDelta?: number;
  /** Randomly permute the colour channels with probability 0.5 (mmdetection 2.x does). Default true. */
  channelSwap?: boolean;
}

/** The random choices of one photometric distortion; `null` = step skipped. */
interface Distortion {
  brightness: number | null;
  contrastFirst: boolean;
  contrast: number | null;
  saturation: number | null;
  hue: number | null;
  permutation: number[] | null;
}

/**
 * SSD's photometric distortion, as mmdetection 2.x `PhotoMetricDistortion`: each step with
 * probability 1/2 — brightness += δ, contrast ×α (before or after the HSV steps, 50/50),
 * saturation ×s and hue += h in HSV (OpenCV's float HSV: H in degrees, S and V = max), a
 * random channel permutation. No clipping between steps (as mmdetection). Pixelwise, so it
 * is applied to the canvas fill colour too. The HSV round trip is skipped when neither HSV
 * step was drawn (it is the identity for pixels in range).
 */
export function photometricDistortion(options: PhotometricOptions = {}): Transform {
  const brightnessDelta = options.brightnessDelta ?? 32;
  const [contrastLow, contrastHigh] = options.contrastRange ?? [0.5, 1.5];
  const [saturationLow, saturationHigh] = options.saturationRange ?? [0.5, 1.5];
  const hueDelta = options.hueDelta ?? 18;
  const channelSwap = options.channelSwap ?? true;
  return {
    name: 'photometricDistortion',
    apply(sample: Sample, rng: Rng): Sample {
      const d: Distortion = {
        brightness: rng.chance() ? rng.uniform(-brightnessDelta, brightnessDelta) : null,
        contrastFirst: rng.chance(),
        contrast: rng.chance() ? rng.uniform(contrastLow, contrastHigh) : null,
        saturation: rng.chance() ? rng.uniform(saturationLow, saturationHigh) : null,
        hue: rng.chance() ? rng.uniform(-hueDelta, hueDelta) : null,
        permutation: channelSwap && rng.chance() ? rng.shuffle([0, 1, 2]) : null,
      };
      const image = sample.image;
      distortPixels(image.data, d);
      const fill = Float32Array.from(image.fill);
      distortPixels(fill, d);
      return { ...sample, image: { ...image, fill: [fill[0], fill[1], fill[2]] } };
    },
  };
}

/** Applies the distortion in place to RGB triples. */
function distortPixels(px: Float32Array, d: Distortion): void {
  const add = d.brightness ?? 0;
  const mulBefore = d.contrastFirst && d.contrast !== null ? d.contrast : 1;
  const mulAfter = !d.contrastFirst && d.contrast !== null ? d.contrast : 1;
  const hsv = d.saturation !== null || d.hue !== null;
  const sat = d.saturation ?? 1;
  const hue = d.hue ?? 0;
  const p = d.permutation;
  const p0 = p?.[0] ?? 0;
  const p1 = p?.[1] ?? 1;
  const p2 = p?.[2] ?? 2;
  for (let i = 0; i < px.length; i += 3) {
    let r = (px[i] + add) * mulBefore;
    let g = (px[i + 1] + add) * mulBefore;
    let b = (px[i + 2] + add) * mulBefore;
    if (hsv && hue === 0) {
      // Saturation alone keeps the hue, and for a fixed hue every channel is
      // v − s·v·k(hue): scaling s moves each channel towards the max, c' = v − sat·(v − c).
      // Same values as the HSV round trip below, without it.
      const v = r > g ? (r > b ? r : b) : g > b ? g : b;
      if (v === 0) {
        r = 0;
        g = 0;
        b = 0;
      } else {
        r = v - sat * (v - r);
        g = v - sat * (v - g);
        b = v - sat * (v - b);
      }
    } else if (hsv) {
      // RGB → HSV (OpenCV float convention).
      const v = r > g ? (r > b ? r : b) : g > b ? g : b;
      const m = r < g ? (r < b ? r : b) : g < b ? g : b;
      const diff = v - m;
      let s = v !== 0 ? diff / v : 0;
      let h = 0;
      if (diff !== 0) {
        if (v === r) h = (60 * (g - b)) / diff;
        else if (v === g) h = 120 + (60 * (b - r)) / diff;
        else h = 240 + (60 * (r - g)) / diff;
        if (h < 0) h += 360;
      }
      s *= sat;
      h += hue;
      if (h > 360) h -= 360;
      else if (h < 0) h += 360;
      // HSV → RGB.
      const hh = h / 60;
      let sector = Math.floor(hh);
      const f = hh - sector;
      sector %= 6;
      const pp = v * (1 - s);
      const q = v * (1 - s * f);
      const t = v * (1 - s * (1 - f));
      switch (sector) {
        case 0:
          r = v;
          g = t;
          b = pp;
          break;
        case 1:
          r = q;
          g = v;
          b = pp;
          break;
        case 2:
          r = pp;
          g = v;
          b = t;
          break;
        case 3:
          r = pp;
          g = q;
          b = v;
          break;
        case 4:
          r = t;
          g = pp;
          b = v;
          break;
        default:
          r = v;
          g = pp;
          b = q;
          break;
      }
    }
    r *= mulAfter;
    g *= mulAfter;
    b *= mulAfter;
    if (p === null) {
      px[i] = r;
      px[i + 1] = g;
      px[i + 2] = b;
    } else {
      px[i] = p0 === 0 ? r : p0 === 1 ? g : b;
      px[i + 1] = p1 === 0 ? r : p1 === 1 ? g : b;
      px[i + 2] = p2 === 0 ? r : p2 === 1 ? g : b;
    }
  }
}
