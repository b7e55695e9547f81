import { readFile } from 'node:fs/promises';
import { describeFsError, UserError } from '@apdet/io';
import sharp from 'sharp';

/** A decoded 8-bit RGB image, rows top to bottom, pixels interleaved (HWC). */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Decodes a JPEG, PNG or WebP (anything libvips reads) into 8-bit RGB with sharp, on libuv's
 * threadpool so decoding overlaps JavaScript work. The EXIF orientation is applied (as
 * cameras expect and COCO's widths/heights assume), grayscale becomes three equal channels,
 * and an alpha channel is dropped (as OpenCV's imread does). A missing or corrupt file
 * becomes a {@link UserError} naming it.
 *
 * @example
 * const { data, width, height } = await loadRgbImage('data/coco/val2017/000000000139.jpg');
 */
export async function loadRgbImage(file: string): Promise<RgbImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new UserError(`${file}: cannot read image: ${describeFsError(error)}`, { cause: error });
  }
  return decodeRgbImage(bytes, file);
}

/** {@link loadRgbImage} for bytes already in memory; `source` names them in errors. */
export async function decodeRgbImage(bytes: Uint8Array, source: string): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error' })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UserError(`${source}: cannot decode image (corrupt or not an image?): ${reason}`, { cause: error });
  }
}
