import type { Rng } from '../rng.js';
import { iouWith } from './box-ops.js';
import type { Sample, Transform } from './sample.js';

export interface MinIouCropOptions {
  /** Minimum IoU choices (besides "no crop" and "any crop"). Default (0.1, 0.3, 0.5, 0.7, 0.9). */
  minIous?: number[];
  /** Minimum crop side as a fraction of the image side. Default 0.3. */
  minCropSize?: number;
  /** Patch tries per chosen IoU before choosing again. Default 50 (SSD, mmdetection). */
  triesPerMode?: number;
}

/**
 * SSD's random crop (mmdetection 2.x `MinIoURandomCrop`): choose "keep the image", "any
 * crop" or a minimum IoU; then try patches of side [minCropSize, 1] × the image side with
 * aspect ratio in [0.5, 2] until every box has IoU ≥ the minimum with the patch and at least
 * one box centre lies inside it. Boxes whose centre is outside are dropped (also crowd
 * boxes, by their own centres); the others are clipped to the patch.
 */
export function minIouRandomCrop(options: MinIouCropOptions = {}): Transform {
  const modes = [1, ...(options.minIous ?? [0.1, 0.3, 0.5, 0.7, 0.9]), 0];
  const minCrop = options.minCropSize ?? 0.3;
  const tries = options.triesPerMode ?? 50;
  return {
    name: `minIouRandomCrop(${modes.slice(1, -1).join(',')}; ${minCrop})`,
    apply(sample: Sample, rng: Rng): Sample {
      const { width: w, height: h } = sample.image;
      const n = sample.boxes.length / 4;
      // mmdetection loops until it succeeds; the cap only guards against pathological inputs.
      for (let round = 0; round < 1000; round++) {
        const minIou = rng.pick(modes);
        if (minIou === 1) return sample;
        for (let t = 0; t < tries; t++) {
          const newW = rng.uniform(minCrop * w, w);
          const newH = rng.uniform(minCrop * h, h);
          if (newH / newW < 0.5 || newH / newW > 2) continue;
          const left = rng.uniform(0, w - newW);
          const top = rng.uniform(0, h - newH);
          const x1 = Math.trunc(left);
          const y1 = Math.trunc(top);
          const x2 = Math.trunc(left + newW);
          const y2 = Math.trunc(top + newH);
          if (x2 === x1 || y2 === y1) continue;
          let ok = true;
          for (let i = 0; i < n && ok; i++) if (iouWith(sample.boxes, i, x1, y1, x2, y2) < minIou) ok = false;
          if (!ok) continue;
          if (n > 0 && !anyCentreInside(sample.boxes, x1, y1, x2, y2)) continue;
          return cropSample(sample, x1, y1, x2, y2);
        }
      }
      return sample;
    },
  };
}

/** The sample cut to the integer patch [x1, x2) × [y1, y2), boxes filtered by centre and clipped. */
export function cropSample(sample: Sample, x1: number, y1: number, x2: number, y2: number): Sample {
  const kept = cropBoxes(sample.boxes, x1, y1, x2, y2);
  const keptIgnore = cropBoxes(sample.ignoreBoxes, x1, y1, x2, y2);
  const labels = new Int32Array(kept.indices.length);
  for (let i = 0; i < labels.length; i++) labels[i] = sample.labels[kept.indices[i]]!;
  const image = sample.image;
  const a = sample.meta.affine;
  return {
    image: { ...image, width: x2 - x1, height: y2 - y1, offsetX: image.offsetX - x1, offsetY: image.offsetY - y1 },
    boxes: kept.boxes,
    labels,
    ignoreBoxes: keptIgnore.boxes,
    meta: {
      ...sample.meta,
      affine: { sx: a.sx, tx: a.tx - x1, sy: a.sy, ty: a.ty - y1 },
      validWidth: x2 - x1,
      validHeight: y2 - y1,
    },
  };
}

function anyCentreInside(boxes: Float32Array, x1: number, y1: number, x2: number, y2: number): boolean {
  for (let i = 0; i < boxes.length; i += 4) if (centreInside(boxes, i, x1, y1, x2, y2)) return true;
  return false;
}

function centreInside(boxes: Float32Array, i: number, x1: number, y1: number, x2: number, y2: number): boolean {
  const cx = (boxes[i] + boxes[i + 2]) / 2;
  const cy = (boxes[i + 1] + boxes[i + 3]) / 2;
  return cx > x1 && cy > y1 && cx < x2 && cy < y2;
}

function cropBoxes(
  boxes: Float32Array,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
): { boxes: Float32Array; indices: Int32Array } {
  const out: number[] = [];
  const indices: number[] = [];
  for (let i = 0; i < boxes.length; i += 4) {
    if (!centreInside(boxes, i, x1, y1, x2, y2)) continue;
    const bx1 = Math.max(boxes[i], x1) - x1;
    const by1 = Math.max(boxes[i + 1], y1) - y1;
    const bx2 = Math.min(boxes[i + 2], x2) - x1;
    const by2 = Math.min(boxes[i + 3], y2) - y1;
    // A box with its centre inside keeps positive extent unless it was degenerate already.
    if (!(bx2 > bx1 && by2 > by1)) continue;
    out.push(bx1, by1, bx2, by2);
    indices.push(i / 4);
  }
  return { boxes: Float32Array.from(out), indices: Int32Array.from(indices) };
}
