import { stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { leavesImageFolder } from '../coco/image-file.js';
import type { CocoProblem } from '../coco/types.js';

/**
 * Checks that each image record's file exists, is readable as an image and has the size
 * the record states (after EXIF orientation). Reads headers only, 16 at a time.
 */
export async function checkImageFiles(
  images: readonly unknown[],
  imageDir: string,
  concurrency = 16,
): Promise<CocoProblem[]> {
  const problems: CocoProblem[][] = images.map(() => []);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < images.length) {
      const i = next++;
      const record = images[i] as { id?: unknown; file_name?: unknown; width?: unknown; height?: unknown } | null;
      if (record === null || typeof record !== 'object' || typeof record.file_name !== 'string') continue;
      if (leavesImageFolder(record.file_name)) continue; // validateCoco reports it; never read outside the folder
      const where = `images[${i}] (id ${JSON.stringify(record.id)})`;
      const file = path.join(imageDir, record.file_name);
      try {
        await stat(file);
      } catch {
        problems[i].push({
          severity: 'error',
          kind: 'missing-image-file',
          record: where,
          message: `image file ${file} not found`,
        });
        continue;
      }
      try {
        const meta = await sharp(file).metadata();
        const swap = (meta.orientation ?? 1) >= 5;
        const width = swap ? meta.height : meta.width;
        const height = swap ? meta.width : meta.height;
        if (width !== record.width || height !== record.height) {
          problems[i].push({
            severity: 'error',
            kind: 'image-size-mismatch',
            record: where,
            message:
              `${file} is ${width}x${height} (after EXIF orientation) but the record says ` +
              `${String(record.width)}x${String(record.height)}`,
          });
        }
      } catch (error) {
        const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
        problems[i].push({
          severity: 'error',
          kind: 'unreadable-image',
          record: where,
          message: `${file} cannot be read as an image: ${reason}`,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return problems.flat();
}
