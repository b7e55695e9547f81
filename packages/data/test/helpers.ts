import { Rng } from '../src/rng.js';
import { canvasFromPixels, type Sample } from '../src/transforms/sample.js';

/** A random sample: noise image of random size, 0–8 random boxes inside it, 0–2 crowd boxes. */
export function randomSample(rng: Rng, options: { minSide?: number; maxSide?: number; minBox?: number } = {}): Sample {
  const minSide = options.minSide ?? 16;
  const maxSide = options.maxSide ?? 160;
  const width = rng.int(minSide, maxSide + 1);
  const height = rng.int(minSide, maxSide + 1);
  const pixels = new Float32Array(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.uniform(0, 255);
  const randomBoxes = (n: number): Float32Array => {
    const out = new Float32Array(4 * n);
    for (let k = 0; k < n; k++) {
      const minBox = Math.min(options.minBox ?? 0.5, width - 1, height - 1);
      const w = rng.uniform(minBox, width);
      const h = rng.uniform(minBox, height);
      const x = rng.uniform(0, width - w);
      const y = rng.uniform(0, height - h);
      out.set([x, y, x + w, y + h], 4 * k);
    }
    return out;
  };
  const n = rng.int(0, 9);
  return {
    image: canvasFromPixels(pixels, width, height),
    boxes: randomBoxes(n),
    labels: Int32Array.from({ length: n }, () => rng.int(0, 5)),
    ignoreBoxes: randomBoxes(rng.int(0, 3)),
    meta: {
      index: 0,
      imageId: 1,
      file: 'x.png',
      originalWidth: width,
      originalHeight: height,
      affine: { sx: 1, tx: 0, sy: 1, ty: 0 },
      validWidth: width,
      validHeight: height,
    },
  };
}

/** A deep copy (transforms may modify pixel buffers in place). */
export function cloneSample(s: Sample): Sample {
  return {
    image: { ...s.image, data: s.image.data.slice(), fill: [...s.image.fill] },
    boxes: s.boxes.slice(),
    labels: s.labels.slice(),
    ignoreBoxes: s.ignoreBoxes.slice(),
    meta: { ...s.meta, affine: { ...s.meta.affine } },
  };
}
