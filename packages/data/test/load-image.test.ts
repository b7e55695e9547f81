import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRgbImage } from '../src/image/load-image.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'apdet-data-img-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A 4×2 RGB image whose left half is red and right half blue. */
function halves(): Buffer {
  const px = Buffer.alloc(4 * 2 * 3);
  for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) px.set(x < 2 ? [255, 0, 0] : [0, 0, 255], (y * 4 + x) * 3);
  return px;
}

describe('loadRgbImage', () => {
  it('decodes PNG, lossless WebP and JPEG to 8-bit RGB', async () => {
    const raw = sharp(halves(), { raw: { width: 4, height: 2, channels: 3 } });
    await raw.clone().png().toFile(path.join(dir, 'a.png'));
    await raw.clone().webp({ lossless: true }).toFile(path.join(dir, 'a.webp'));
    await raw.clone().jpeg({ quality: 100 }).toFile(path.join(dir, 'a.jpg'));
    for (const name of ['a.png', 'a.webp']) {
      const image = await loadRgbImage(path.join(dir, name));
      expect([image.width, image.height]).toEqual([4, 2]);
      expect(Buffer.from(image.data)).toEqual(halves());
    }
    const jpeg = await loadRgbImage(path.join(dir, 'a.jpg'));
    expect([jpeg.width, jpeg.height, jpeg.data.length]).toEqual([4, 2, 24]);
    expect(jpeg.data[0]).toBeGreaterThan(200); // red stays red
    expect(jpeg.data[11 + 1]).toBeGreaterThan(150); // blue stays blue
  });

  it('applies the EXIF orientation', async () => {
    // Orientation 6: the stored 4×2 image is displayed rotated 90° clockwise, i.e. 2×4 with red on top.
    await sharp(halves(), { raw: { width: 4, height: 2, channels: 3 } })
      .png()
      .withMetadata({ orientation: 6 })
      .toFile(path.join(dir, 'rot.png'));
    const image = await loadRgbImage(path.join(dir, 'rot.png'));
    expect([image.width, image.height]).toEqual([2, 4]);
    expect([...image.data.subarray(0, 3)]).toEqual([255, 0, 0]);
    expect([...image.data.subarray(21, 24)]).toEqual([0, 0, 255]);
  });

  it('turns grayscale into three equal channels and drops alpha', async () => {
    const gray = Buffer.from([0, 50, 100, 150, 200, 250]);
    await sharp(gray, { raw: { width: 3, height: 2, channels: 1 } })
      .png()
      .toFile(path.join(dir, 'g.png'));
    const g = await loadRgbImage(path.join(dir, 'g.png'));
    expect([...g.data]).toEqual([...gray].flatMap((v) => [v, v, v]));
    const rgba = Buffer.from([10, 20, 30, 0, 40, 50, 60, 255]);
    await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } })
      .png()
      .toFile(path.join(dir, 'a4.png'));
    const a = await loadRgbImage(path.join(dir, 'a4.png'));
    expect([...a.data]).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('names the file of a missing image', async () => {
    const file = path.join(dir, 'nope.jpg');
    await expect(loadRgbImage(file)).rejects.toThrow(`${file}: cannot read image: file not found`);
    await expect(loadRgbImage(file)).rejects.toMatchObject({ name: 'UserError' });
  });

  it('names the file of a corrupt or truncated image', async () => {
    const garbage = path.join(dir, 'garbage.jpg');
    await writeFile(garbage, 'this is not an image');
    await expect(loadRgbImage(garbage)).rejects.toThrow(
      new RegExp(`${garbage.replace(/[.]/g, '\\.')}: cannot decode image \\(corrupt or not an image\\?\\)`),
    );
    const noisy = await sharp({
      create: {
        width: 200,
        height: 200,
        channels: 3,
        background: 'gray',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .jpeg()
      .toBuffer();
    const truncated = path.join(dir, 'truncated.jpg');
    await writeFile(truncated, noisy.subarray(0, Math.floor(noisy.length / 2)));
    await expect(loadRgbImage(truncated)).rejects.toThrow(/truncated\.jpg: cannot decode image/);
    const png = await sharp({
      create: {
        width: 64,
        height: 64,
        channels: 3,
        background: 'red',
        noise: { type: 'gaussian', mean: 128, sigma: 30 },
      },
    })
      .png()
      .toBuffer();
    const cut = path.join(dir, 'cut.png');
    await writeFile(cut, png.subarray(0, png.length / 2));
    await expect(loadRgbImage(cut)).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringContaining('cut.png: cannot decode image'),
    });
  });
});
