// How tools/make-photo-dataset.mjs finds the objects in its photos: one function per photo, each
// a fixed threshold, a morphological close/open and 8-connected components. The thresholds were
// chosen by looking at the masks and at the boxes drawn on the photos (`apdet-data browse`);
// tools/README.md describes them. Boxes are pixel extents [x1, y1, x2, y2] (x2 exclusive), the
// area a component's pixel count.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sharp = createRequire(path.join(ROOT, 'packages/data/package.json'))('sharp');

/** Coins brighter than an uneven grey background: subtract a blurred copy (σ 25), > 20, close 3, open 3. */
export async function findCoins(file) {
  const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
  const background = await sharp(file).greyscale().blur(25).raw().toBuffer();
  const mask = data.map((v, i) => (v - background[i] > 20 ? 1 : 0));
  return objectsOf(open(close(mask, info, 3), info, 3), info, (c) => c.area > 300);
}

/**
 * Candies on white: saturated or dark pixels, binned by colour (warm = red and orange, whose
 * shading crosses between them; green; blue; dark), so that touching candies of different
 * colours separate. Per bin: close 2, open 2.
 */
export async function findCandies(file) {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const bins = [0, 1, 2, 3].map(() => new Uint8Array(info.width * info.height));
  for (let i = 0; i < bins[0].length; i++) {
    const [r, g, b] = [data[3 * i], data[3 * i + 1], data[3 * i + 2]];
    const v = Math.max(r, g, b);
    const d = v - Math.min(r, g, b);
    const hue =
      d === 0
        ? 0
        : v === r
          ? (360 + (60 * (g - b)) / d) % 360
          : v === g
            ? 120 + (60 * (b - r)) / d
            : 240 + (60 * (r - g)) / d;
    if (v < 90) bins[3][i] = 1;
    else if (d / v > 0.4) {
      if (hue < 45 || hue >= 330) bins[0][i] = 1;
      else if (hue >= 70 && hue < 170) bins[1][i] = 1;
      else if (hue >= 180 && hue < 280) bins[2][i] = 1;
    }
  }
  return bins.flatMap((mask) => objectsOf(open(close(mask, info, 2), info, 2), info, (c) => c.area > 200));
}

/** Dark bars on a light box: grey < 100, open 2, components not touching the photo's border (the frame). */
export async function findBars(file) {
  const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
  const mask = data.map((v) => (v < 100 ? 1 : 0));
  return objectsOf(open(mask, info, 2), info, (c) => c.area > 2000 && !c.touchesBorder);
}

/** 8-connected components of a 0/1 mask, kept by `keep`, as { box, area }. */
function objectsOf(mask, { width, height }, keep) {
  const seen = new Uint8Array(mask.length);
  const objects = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    const c = { x1: width, y1: height, x2: 0, y2: 0, area: 0, touchesBorder: false };
    const stack = [start];
    seen[start] = 1;
    while (stack.length > 0) {
      const p = stack.pop();
      const x = p % width;
      const y = (p - x) / width;
      Object.assign(c, {
        x1: Math.min(c.x1, x),
        y1: Math.min(c.y1, y),
        x2: Math.max(c.x2, x + 1),
        y2: Math.max(c.y2, y + 1),
      });
      c.area++;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) c.touchesBorder = true;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const [nx, ny] = [x + dx, y + dy];
          const q = ny * width + nx;
          if (nx >= 0 && ny >= 0 && nx < width && ny < height && mask[q] && !seen[q]) {
            seen[q] = 1;
            stack.push(q);
          }
        }
      }
    }
    if (keep(c)) objects.push({ box: [c.x1, c.y1, c.x2, c.y2], area: c.area });
  }
  return objects;
}

/** Max filter over a (2r+1)² square, separably; `value` 0 gives the min filter (erosion). */
function dilate(mask, { width, height }, r, value = 1) {
  const pass = (src, step, count, stride, lines) => {
    const dst = new Uint8Array(src.length);
    for (let line = 0; line < lines; line++) {
      for (let i = 0; i < count; i++) {
        let hit = false;
        for (let k = Math.max(0, i - r); k <= Math.min(count - 1, i + r) && !hit; k++)
          hit = src[line * stride + k * step] === value;
        dst[line * stride + i * step] = hit ? value : 1 - value;
      }
    }
    return dst;
  };
  return pass(pass(mask, 1, width, width, height), width, height, 1, width);
}
function close(mask, info, r) {
  return dilate(dilate(mask, info, r, 1), info, r, 0);
}
function open(mask, info, r) {
  return dilate(dilate(mask, info, r, 0), info, r, 1);
}
