/**
 * Anti-aliased polygon coverage by scanlines: each pixel row is sampled on `SUBROWS`
 * horizontal lines; on each line the polygon's inside spans (even–odd rule) are added to
 * the pixels they cross with their exact horizontal overlap. Coverage is in [0, 1]. Plain
 * arithmetic in a fixed order, so the result is identical on every run.
 */

const SUBROWS = 4;

/** Coverage of a polygon over the pixel window [x0, x0 + width) × [y0, y0 + height). */
export interface Coverage {
  x0: number;
  y0: number;
  width: number;
  height: number;
  data: Float32Array;
}

/**
 * Rasterises the polygon (vertex arrays, pixel units, pixel (i, j) covers [i, i+1) × [j, j+1))
 * clipped to the image.
 */
export function rasterizePolygon(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  imageWidth: number,
  imageHeight: number,
): Coverage {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const n = xs.length;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, xs[i]);
    maxX = Math.max(maxX, xs[i]);
    minY = Math.min(minY, ys[i]);
    maxY = Math.max(maxY, ys[i]);
  }
  const x0 = Math.max(0, Math.floor(minX));
  const y0 = Math.max(0, Math.floor(minY));
  const x1 = Math.min(imageWidth, Math.ceil(maxX));
  const y1 = Math.min(imageHeight, Math.ceil(maxY));
  const width = Math.max(0, x1 - x0);
  const height = Math.max(0, y1 - y0);
  const data = new Float32Array(width * height);
  const crossings = new Float64Array(n);
  const weight = 1 / SUBROWS;
  for (let row = 0; row < height; row++) {
    for (let k = 0; k < SUBROWS; k++) {
      const y = y0 + row + (k + 0.5) / SUBROWS;
      let m = 0;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const yi = ys[i];
        const yj = ys[j];
        if (yi <= y === yj <= y) continue;
        crossings[m++] = xs[i] + ((y - yi) * (xs[j] - xs[i])) / (yj - yi);
      }
      sortPrefix(crossings, m);
      for (let c = 0; c + 1 < m; c += 2) addSpan(data, row * width, x0, width, crossings[c], crossings[c + 1], weight);
    }
  }
  return { x0, y0, width, height, data };
}

function addSpan(
  data: Float32Array,
  rowStart: number,
  x0: number,
  width: number,
  left: number,
  right: number,
  weight: number,
): void {
  const l = Math.max(left - x0, 0);
  const r = Math.min(right - x0, width);
  if (r <= l) return;
  const first = Math.floor(l);
  const last = Math.min(width - 1, Math.ceil(r) - 1);
  for (let px = first; px <= last; px++) {
    const overlap = Math.min(r, px + 1) - Math.max(l, px);
    if (overlap > 0) data[rowStart + px] += overlap * weight;
  }
}

function sortPrefix(values: Float64Array, m: number): void {
  for (let i = 1; i < m; i++) {
    const v = values[i];
    let j = i - 1;
    while (j >= 0 && values[j] > v) {
      values[j + 1] = values[j]!;
      j--;
    }
    values[j + 1] = v;
  }
}

/** Blends `colour` into an RGB float image with the coverage as alpha (scaled by `opacity`). */
export function blendCoverage(
  image: Float32Array,
  imageWidth: number,
  coverage: Coverage,
  colour: readonly number[],
  opacity = 1,
): void {
  const { x0, y0, width, height, data } = coverage;
  const r = colour[0];
  const g = colour[1];
  const b = colour[2];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const a = Math.min(1, data[y * width + x]) * opacity;
      if (a <= 0) continue;
      const p = ((y0 + y) * imageWidth + x0 + x) * 3;
      image[p] = image[p] + (r - image[p]) * a;
      image[p + 1] = image[p + 1] + (g - image[p + 1]) * a;
      image[p + 2] = image[p + 2] + (b - image[p + 2]) * a;
    }
  }
}
