/**
 * Predictions drawn on images: the image scaled up (val images can be tiny, e.g. 128 px) with
 * an SVG overlay composited by sharp. Predictions: solid boxes in their class colour with a
 * "class score" label; ground truth: dashed white-on-black boxes, so both stay visible on any
 * background and never look alike.
 */
import sharp from 'sharp';
import { prepareFonts } from './fonts.js';
import type { CocoBox } from './types.js';

/** Class colours (Tableau 10), by category position. */
export const CLASS_COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;

export const classColor = (k: number): string =>
  CLASS_COLORS[((k % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length];

export interface DrawnPrediction {
  readonly box: CocoBox;
  /** Category position (colour index). */
  readonly classIndex: number;
  readonly label: string;
}

export interface OverlayOptions {
  /** Output pixels per image pixel. */
  readonly scale: number;
  /** Stroke width in output pixels (default 2). */
  readonly strokeWidth?: number;
}

const escapeXml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
const px = (v: number) => Math.round(v * 100) / 100;

/**
 * The SVG drawn over an image of `width`×`height` output pixels. Box coordinates are image
 * pixels, multiplied by `scale`; an edge at image x lies on output pixel column `x·scale`.
 */
export function overlaySvg(
  width: number,
  height: number,
  groundTruth: readonly CocoBox[],
  predictions: readonly DrawnPrediction[],
  options: OverlayOptions,
): string {
  const s = options.scale;
  const sw = options.strokeWidth ?? 2;
  const rect = ([x, y, w, h]: CocoBox) =>
    `x="${px(x * s)}" y="${px(y * s)}" width="${px(w * s)}" height="${px(h * s)}"`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" shape-rendering="crispEdges">`,
  ];
  for (const box of groundTruth) {
    // Two strokes: black under white dashes, visible on dark and light backgrounds.
    parts.push(
      `<rect ${rect(box)} fill="none" stroke="black" stroke-width="${sw}"/>`,
      `<rect ${rect(box)} fill="none" stroke="white" stroke-width="${sw}" stroke-dasharray="5 4"/>`,
    );
  }
  const fontSize = 12;
  for (const p of predictions) {
    const color = classColor(p.classIndex);
    parts.push(`<rect ${rect(p.box)} fill="none" stroke="${color}" stroke-width="${sw}"/>`);
    const [x, y] = p.box;
    const labelWidth = Math.ceil(p.label.length * fontSize * 0.62) + 6;
    const labelHeight = fontSize + 4;
    // Above the box when there is room, else just inside its top edge; never off the right side.
    const lx = Math.max(0, Math.min(px(x * s) - sw / 2, width - labelWidth));
    const ly = y * s - labelHeight - sw / 2 >= 0 ? px(y * s - labelHeight - sw / 2) : px(y * s + sw / 2);
    parts.push(
      `<rect x="${lx}" y="${ly}" width="${labelWidth}" height="${labelHeight}" fill="${color}" fill-opacity="0.85"/>`,
      `<text x="${lx + 3}" y="${ly + fontSize}" font-family="sans-serif" font-size="${fontSize}" fill="white">${escapeXml(p.label)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

export interface DrawImageInput {
  /** Image file (any format sharp reads). */
  readonly file: string;
  readonly groundTruth: readonly CocoBox[];
  readonly predictions: readonly DrawnPrediction[];
  /** The longer output side in pixels (default 384). */
  readonly size?: number;
}

/** Draws boxes on one image; returns RGB PNG bytes whose longer side is `size`. */
export async function drawImage(input: DrawImageInput): Promise<{ png: Buffer; width: number; height: number }> {
  const size = input.size ?? 384;
  prepareFonts();
  const meta = await sharp(input.file).metadata();
  if (!meta.width || !meta.height) throw new Error(`${input.file}: cannot read the image size`);
  // EXIF orientations 5-8 swap the sides; boxes refer to the upright image.
  const [w0, h0] = (meta.orientation ?? 1) >= 5 ? [meta.height, meta.width] : [meta.width, meta.height];
  const scale = size / Math.max(w0, h0);
  const width = Math.round(w0 * scale);
  const height = Math.round(h0 * scale);
  // Nearest-neighbour keeps small images' pixels honest (no blur to mistake for the model's fault).
  const base = await sharp(input.file).rotate().resize(width, height, { kernel: 'nearest' }).removeAlpha().toBuffer();
  const svg = overlaySvg(width, height, input.groundTruth, input.predictions, { scale });
  const png = await sharp(base)
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
  return { png, width, height };
}
