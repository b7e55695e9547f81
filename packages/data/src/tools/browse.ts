import path from 'node:path';
import { atomicWriteFile, UserError } from '@apdet/io';
import sharp from 'sharp';
import { CocoIndex } from '../coco/coco-index.js';
import { imageFilePath } from '../coco/image-file.js';
import { loadRgbImage } from '../image/load-image.js';
import { Rng } from '../rng.js';

export interface BrowseOptions {
  annotations: string;
  images: string;
  out: string;
  /** Number of images drawn. Default 16. */
  n?: number;
  /** Pick images at random with this seed instead of the first `n`. */
  seed?: number;
  /** Scale so the longer side is at least this many pixels (small images get readable labels). Default 512. */
  minSide?: number;
}

/** A colour per class, spread around the hue circle. */
export function classColour(label: number): string {
  const hue = (label * 137.508) % 360;
  return `hsl(${hue.toFixed(1)}, 90%, 55%)`;
}

/**
 * Draws the ground-truth boxes and class names of `n` images onto PNGs in `out` (crowd
 * boxes dashed and grey) so that a person can check a dataset. The drawing of `a/x.png` is
 * `<out>/a/x-boxes.png`. Boxes and text are an SVG
 * overlay that sharp composites onto the image.
 *
 * @example
 * await browseDataset({
 *   annotations: 'data/shapes/instances_val.json',
 *   images: 'data/shapes/val',
 *   out: 'runs/browse',
 * });
 */
export async function browseDataset(options: BrowseOptions): Promise<string[]> {
  const index = await CocoIndex.fromFile(options.annotations);
  const n = Math.min(options.n ?? 16, index.images.length);
  const order = Array.from({ length: index.images.length }, (_, i) => i);
  if (options.seed !== undefined) Rng.from(options.seed, 0x42).shuffle(order);
  const written: string[] = [];
  const taken = new Set<string>();
  for (const i of order.slice(0, n)) {
    const record = index.images[i];
    const file = imageFilePath(options.images, record.file);
    const decoded = await loadRgbImage(file);
    const scale = Math.max(1, Math.ceil((options.minSide ?? 512) / Math.max(decoded.width, decoded.height)));
    const width = decoded.width * scale;
    const height = decoded.height * scale;
    const targets = index.targetsOf(i);
    const svg = overlaySvg(
      width,
      height,
      scale,
      targets.boxes,
      targets.labels,
      targets.ignoreBoxes,
      (label) => index.categories[label].name,
    );
    const png = await sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 3 } })
      .resize(width, height, { kernel: scale > 1 ? 'nearest' : 'lanczos3' })
      .composite([{ input: Buffer.from(svg) }])
      .png()
      .toBuffer();
    const target = drawingPath(options.out, record.file, record.id, taken);
    await atomicWriteFile(target, png);
    written.push(target);
  }
  if (written.length === 0) throw new UserError(`${options.annotations}: has no images to draw`);
  return written;
}

/**
 * Where the drawing of an image goes: its relative path kept (`a/x.png` → `<out>/a/x-boxes.png`),
 * so images with one basename in different folders do not overwrite each other (issue 22
 * item 14); two records that would still share a name (`x.png` and `x.jpg`) get the image id.
 */
function drawingPath(out: string, fileName: string, imageId: number, taken: Set<string>): string {
  const { dir, name } = path.parse(fileName);
  let target = path.join(out, dir, `${name}-boxes.png`);
  if (taken.has(target)) target = path.join(out, dir, `${name}-${imageId}-boxes.png`);
  taken.add(target);
  return target;
}

function overlaySvg(
  width: number,
  height: number,
  scale: number,
  boxes: Float32Array,
  labels: Int32Array,
  ignore: Float32Array,
  nameOf: (label: number) => string,
): string {
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">`];
  const fontSize = 13;
  for (let k = 0; k < labels.length; k++) {
    const [x1, y1, x2, y2] = [
      boxes[4 * k] * scale,
      boxes[4 * k + 1] * scale,
      boxes[4 * k + 2] * scale,
      boxes[4 * k + 3] * scale,
    ];
    const colour = classColour(labels[k]);
    const name = escapeXml(nameOf(labels[k]));
    const labelY = y1 >= fontSize + 2 ? y1 - fontSize - 2 : y1;
    const labelWidth = name.length * fontSize * 0.62 + 6;
    parts.push(
      `<rect x="${x1.toFixed(1)}" y="${y1.toFixed(1)}" width="${(x2 - x1).toFixed(1)}" ` +
        `height="${(y2 - y1).toFixed(1)}" fill="none" stroke="${colour}" stroke-width="2"/>`,
      `<rect x="${x1.toFixed(1)}" y="${labelY.toFixed(1)}" width="${labelWidth.toFixed(1)}" ` +
        `height="${fontSize + 2}" fill="${colour}" fill-opacity="0.85"/>`,
      `<text x="${(x1 + 3).toFixed(1)}" y="${(labelY + fontSize - 1).toFixed(1)}" ` +
        `font-family="DejaVu Sans, Arial, sans-serif" font-size="${fontSize}" fill="black">${name}</text>`,
    );
  }
  for (let k = 0; k < ignore.length; k += 4) {
    const [x1, y1, x2, y2] = [ignore[k] * scale, ignore[k + 1] * scale, ignore[k + 2] * scale, ignore[k + 3] * scale];
    parts.push(
      `<rect x="${x1.toFixed(1)}" y="${y1.toFixed(1)}" width="${(x2 - x1).toFixed(1)}" ` +
        `height="${(y2 - y1).toFixed(1)}" fill="none" stroke="#bbbbbb" stroke-width="2" stroke-dasharray="6,4"/>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}
