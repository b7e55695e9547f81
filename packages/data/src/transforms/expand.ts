import type { Rng } from '../rng.js';
import { affineBoxes } from './box-ops.js';
import { densify, type Sample, type Transform } from './sample.js';

export interface ExpandOptions {
  /** Fill colour of the new border, RGB 0–255 (the paper: the ImageNet mean). */
  mean: [number, number, number];
  /** Range of the size ratio new/old. Default [1, 4]. */
  ratioRange?: [number, number];
  /** Probability of expanding. Default 0.5 (mmdetection's `Expand`). */
  prob?: number;
}

/**
 * SSD's "zoom out": places the image at a random position on a canvas `ratio` times larger
 * filled with `mean`, so objects become smaller. O(1): only the canvas moves; the border
 * is produced when a later resize reads it.
 */
export function expand(options: ExpandOptions): Transform {
  const [minRatio, maxRatio] = options.ratioRange ?? [1, 4];
  const prob = options.prob ?? 0.5;
  return {
    name: `expand(${minRatio}..${maxRatio}, p=${prob})`,
    apply(sample: Sample, rng: Rng): Sample {
      if (rng.next() > prob) return sample;
      const image = densify(sample.image);
      const { width: w, height: h } = image;
      const ratio = rng.uniform(minRatio, maxRatio);
      const left = Math.floor(rng.uniform(0, w * ratio - w));
      const top = Math.floor(rng.uniform(0, h * ratio - h));
      const width = Math.max(w, Math.floor(w * ratio));
      const height = Math.max(h, Math.floor(h * ratio));
      const a = sample.meta.affine;
      return {
        image: {
          ...image,
          width,
          height,
          offsetX: left,
          offsetY: top,
          fill: [Math.fround(options.mean[0]), Math.fround(options.mean[1]), Math.fround(options.mean[2])],
        },
        boxes: affineBoxes(sample.boxes, 1, left, 1, top),
        labels: sample.labels,
        ignoreBoxes: affineBoxes(sample.ignoreBoxes, 1, left, 1, top),
        meta: {
          ...sample.meta,
          affine: { sx: a.sx, tx: a.tx + left, sy: a.sy, ty: a.ty + top },
          validWidth: width,
          validHeight: height,
        },
      };
    },
  };
}
