/**
 * The predictions grid: up to 8 val images with predicted boxes (score ≥ threshold) and ground
 * truth, in one PNG with a legend line on top and a caption under each image.
 */
import path from 'node:path';
import { atomicWriteFile } from '@apdet/io';
import sharp from 'sharp';
import { prepareFonts } from './fonts.js';
import { drawImage, type DrawnPrediction } from './overlay.js';
import { FALLBACK_SCORE_THRESHOLD } from './threshold.js';
import type { CocoBox, PredictionInput } from './types.js';

export const MAX_PREDICTION_IMAGES = 8;

/** A fixed score threshold, or one per category id. */
export type DrawThreshold = number | ReadonlyMap<number, number>;

export interface PredictionGridOptions {
  /** Predictions below this score are not drawn (default {@link FALLBACK_SCORE_THRESHOLD}, 0.3). */
  readonly scoreThreshold?: DrawThreshold;
  /** How the threshold was chosen, for the legend line (default "score ≥ <threshold>"). */
  readonly thresholdDescription?: string;
  /** Tile size: the longer side of each drawn image in pixels (default 384). */
  readonly tileSize?: number;
  /** Images per row (default 4). */
  readonly columns?: number;
}

interface Tile {
  readonly png: Buffer;
  readonly caption: string;
}

const HEADER = 28;
const CAPTION = 22;
const GAP = 8;

const escapeXml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** Boxes of one image: non-crowd GT, and detections at or above the threshold, highest score on top. */
export function boxesForImage(
  input: PredictionInput,
  imageId: number,
  scoreThreshold: DrawThreshold,
): { groundTruth: CocoBox[]; predictions: DrawnPrediction[] } {
  const thresholdOf = (categoryId: number) =>
    typeof scoreThreshold === 'number' ? scoreThreshold : (scoreThreshold.get(categoryId) ?? FALLBACK_SCORE_THRESHOLD);
  const position = new Map(input.categories.map((c, k) => [c.id, k]));
  const name = new Map(input.categories.map((c) => [c.id, c.name]));
  const groundTruth = input.annotations.filter((a) => a.image_id === imageId && !a.iscrowd).map((a) => a.bbox);
  const predictions = input.detections
    .filter((d) => d.image_id === imageId && d.score >= thresholdOf(d.category_id))
    .sort((a, b) => a.score - b.score) // drawn last = on top
    .map((d) => ({
      box: d.bbox,
      classIndex: position.get(d.category_id) ?? -1,
      label: `${name.get(d.category_id) ?? `class ${d.category_id}`} ${d.score.toFixed(2)}`,
    }));
  return { groundTruth, predictions };
}

/** Draws the first 8 `input.images` into one PNG grid at `outFile` (atomic). Returns its size. */
export async function writePredictionGrid(
  input: PredictionInput,
  outFile: string,
  options: PredictionGridOptions = {},
): Promise<{ width: number; height: number; images: number }> {
  const threshold = options.scoreThreshold ?? FALLBACK_SCORE_THRESHOLD;
  prepareFonts();
  const tileSize = options.tileSize ?? 384;
  const images = input.images.slice(0, MAX_PREDICTION_IMAGES);
  if (images.length === 0) throw new RangeError('prediction grid: no images to draw');
  const tiles: Tile[] = [];
  for (const image of images) {
    const boxes = boxesForImage(input, image.id, threshold);
    const drawn = await drawImage({ file: path.join(input.imageDir, image.file_name), ...boxes, size: tileSize });
    tiles.push({
      png: drawn.png,
      caption: `image ${image.id}: ${boxes.predictions.length} predicted, ${boxes.groundTruth.length} GT`,
    });
  }
  const columns = Math.min(options.columns ?? 4, tiles.length);
  const rows = Math.ceil(tiles.length / columns);
  const cellW = tileSize + GAP;
  const cellH = tileSize + CAPTION + GAP;
  const width = columns * cellW + GAP;
  const height = HEADER + rows * cellH + GAP;
  const legend = `Predictions (${options.thresholdDescription ?? `score ≥ ${typeof threshold === 'number' ? threshold : 'per-class threshold'}`}): solid boxes in class colour, labelled "class score".   Ground truth: dashed white/black boxes.`;
  const text: string[] = [
    `<text x="${GAP}" y="19" font-family="sans-serif" font-size="14" fill="black">${escapeXml(legend)}</text>`,
  ];
  const composites: Parameters<ReturnType<typeof sharp>['composite']>[0] = tiles.map((tile, i) => {
    const left = GAP + (i % columns) * cellW;
    const top = HEADER + Math.floor(i / columns) * cellH;
    text.push(
      `<text x="${left}" y="${top + tileSize + 16}" font-family="sans-serif" font-size="13" fill="black">${escapeXml(tile.caption)}</text>`,
    );
    return { input: tile.png, left, top };
  });
  const textSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${text.join('')}</svg>`;
  composites.push({ input: Buffer.from(textSvg), left: 0, top: 0 });
  const png = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(composites)
    .png()
    .toBuffer();
  await atomicWriteFile(outFile, png);
  return { width, height, images: tiles.length };
}
