/** Small synthetic inputs for the tests: a tmp folder, grey images, an evaluation. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { evaluateCoco } from '@apdet/coco-eval';
import sharp from 'sharp';

export async function withTmpDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'apdet-report-test-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A uniform grey RGB PNG. */
export async function writeGreyImage(file: string, width: number, height: number, grey = 128): Promise<void> {
  await sharp({ create: { width, height, channels: 3, background: { r: grey, g: grey, b: grey } } })
    .png()
    .toFile(file);
}

/** RGB of one pixel of a PNG buffer or file. */
export async function pixel(input: Buffer | string, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(input).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [data[i], data[i + 1], data[i + 2]];
}

export const hexRgb = (hex: string): [number, number, number] =>
  [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

/** 3 images 64×48, 2 categories; category 'b' has GT only on image 2; detections with mixed quality. */
export function tinyCoco() {
  const images = [1, 2, 3].map((id) => ({ id, file_name: `${id}.png`, width: 64, height: 48 }));
  const categories = [
    { id: 1, name: 'a' },
    { id: 2, name: 'b' },
  ];
  const annotations = [
    { id: 1, image_id: 1, category_id: 1, bbox: [10, 8, 20, 16] as const, area: 320, iscrowd: 0 },
    { id: 2, image_id: 2, category_id: 1, bbox: [30, 20, 20, 20] as const, area: 400, iscrowd: 0 },
    { id: 3, image_id: 2, category_id: 2, bbox: [4, 4, 16, 12] as const, area: 192, iscrowd: 0 },
    { id: 4, image_id: 3, category_id: 1, bbox: [5, 5, 30, 30] as const, area: 900, iscrowd: 0 },
  ];
  const detections = [
    { image_id: 1, category_id: 1, bbox: [10, 8, 20, 16] as const, score: 0.9 },
    { image_id: 2, category_id: 1, bbox: [31, 21, 20, 20] as const, score: 0.6 },
    { image_id: 2, category_id: 1, bbox: [0, 30, 10, 10] as const, score: 0.7 },
    { image_id: 2, category_id: 2, bbox: [4, 4, 16, 12] as const, score: 0.2 },
    { image_id: 3, category_id: 1, bbox: [40, 30, 10, 10] as const, score: 0.5 },
  ];
  const gt = { images, annotations, categories };
  return { gt, detections, result: evaluateCoco(gt, detections) };
}
