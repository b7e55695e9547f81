import type { Rng } from '../rng.js';
import type { Sample, Transform } from './sample.js';

/** Mirrors the image left–right with probability `p` (boxes: x1' = W − x2, x2' = W − x1). */
export function randomFlip(p = 0.5): Transform {
  return {
    name: `randomFlip(${p})`,
    apply(sample: Sample, rng: Rng): Sample {
      // Always draw, so later transforms see the same stream whether or not we flip.
      if (!(rng.next() < p)) return sample;
      return flipSample(sample);
    },
  };
}

/** The left–right mirror of a sample. */
export function flipSample(sample: Sample): Sample {
  const image = sample.image;
  const { dataWidth, dataHeight, data } = image;
  // In place: the sample owns its pixels (see Pipeline.apply).
  for (let y = 0; y < dataHeight; y++) {
    let left = y * dataWidth * 3;
    let right = left + (dataWidth - 1) * 3;
    for (; left < right; left += 3, right -= 3) {
      const r = data[left];
      const g = data[left + 1];
      const b = data[left + 2];
      data[left] = data[right]!;
      data[left + 1] = data[right + 1]!;
      data[left + 2] = data[right + 2]!;
      data[right] = r;
      data[right + 1] = g;
      data[right + 2] = b;
    }
  }
  const W = image.width;
  const a = sample.meta.affine;
  return {
    image: { ...image, offsetX: W - (image.offsetX + dataWidth) },
    boxes: mirrorBoxes(sample.boxes, W),
    labels: sample.labels,
    ignoreBoxes: mirrorBoxes(sample.ignoreBoxes, W),
    meta: { ...sample.meta, affine: { sx: -a.sx, tx: W - a.tx, sy: a.sy, ty: a.ty } },
  };
}

function mirrorBoxes(boxes: Float32Array, width: number): Float32Array {
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    out[i] = width - boxes[i + 2];
    out[i + 1] = boxes[i + 1]!;
    out[i + 2] = width - boxes[i];
    out[i + 3] = boxes[i + 3]!;
  }
  return out;
}
