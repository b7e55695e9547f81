import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { atomicWriteFile, atomicWriteJson, removeOnExit, removeStaleTemps, tempPrefix, UserError } from '@apdet/io';
import sharp from 'sharp';
import type { CocoJson, CocoJsonAnnotation } from '../coco/types.js';
import { Rng } from '../rng.js';
import { DEFAULT_SHAPES_IMAGE, renderShapesImage, type ShapesImageOptions } from './render.js';
import {
  isBuiltInShapesMarker,
  resolveShapesOptions,
  SHAPES_GENERATOR_VERSION,
  shapesMarker,
  type ResolvedShapesOptions,
  type ShapesDatasetOptions,
} from './shapes-options.js';

/** Where a generated dataset's files are. */
export interface ShapesDatasetPaths {
  dir: string;
  trainAnnotations: string;
  trainImages: string;
  valAnnotations: string;
  valImages: string;
}

/** Where training commands put the shapes dataset when no dataset is given (relative to the working directory). */
export const DEFAULT_SHAPES_DIR = 'data/shapes';

export { SHAPES_DEFAULTS, SHAPES_GENERATOR_VERSION, type ShapesDatasetOptions } from './shapes-options.js';
const MARKER = 'shapes-dataset.json';
const SPLIT_STREAM = { train: 1, val: 2 } as const;
/** Last key of an image's size stream (mixed sizes): independent of its drawing stream (seed, split, i). */
const SIZE_STREAM = 1;

/** The file layout of a shapes dataset in `dir`. */
export function shapesDatasetPaths(dir: string): ShapesDatasetPaths {
  return {
    dir,
    trainAnnotations: path.join(dir, 'instances_train.json'),
    trainImages: path.join(dir, 'train'),
    valAnnotations: path.join(dir, 'instances_val.json'),
    valImages: path.join(dir, 'val'),
  };
}

/**
 * Generates the built-in shapes dataset into `dir` (created; must not exist or be empty):
 * `train/NNNNNN.png`, `val/NNNNNN.png`, `instances_train.json`, `instances_val.json` and a
 * marker with the options. Image i of a split depends only on (seed, split, i), so the
 * same options give byte-identical files.
 *
 * With `classes`, `imageSizes` and `format` it makes a small custom-style dataset instead,
 * e.g. for tests of training on a COCO directory (a second or two for 18 such images):
 *
 * @example
 * await makeShapesDataset(dir, {
 *   train: 12, val: 6, seed: 1, classes: 3, format: 'jpeg',
 *   imageSizes: { width: [200, 900], height: [320, 600] },
 * }); // categories circle, square, triangle; images from 200×320 to 900×600
 */
export async function makeShapesDataset(
  dir: string,
  options: ShapesDatasetOptions = {},
  onProgress?: (done: number, total: number) => void,
): Promise<ShapesDatasetPaths> {
  const o = resolveShapesOptions(options);
  const paths = shapesDatasetPaths(dir);
  const total = o.train + o.val;
  let done = 0;
  const tick = (): void => onProgress?.(++done, total);
  await writeSplit('train', o.train, paths.trainImages, paths.trainAnnotations, o, tick);
  await writeSplit('val', o.val, paths.valImages, paths.valAnnotations, o, tick);
  await atomicWriteJson(path.join(dir, MARKER), shapesMarker(o));
  return paths;
}

/** How {@link ensureShapesDataset} treats a directory holding a shapes dataset made with other options. */
export interface EnsureShapesOptions {
  /**
   * `'error'` (default): refuse it. `'regenerate'`: replace it with the wanted dataset if it is
   * the built-in dataset as an older apdet generated it with its own defaults (see
   * {@link isBuiltInShapesMarker}) — for the default directory, whose defaults may change
   * between versions of apdet. A dataset made with other options (`apdet-data make-shapes
   * --train 32` into the default folder) is refused even then: it is kept, never deleted.
   */
  onOutdated?: 'error' | 'regenerate';
  /** Told when an outdated dataset is replaced. */
  log?: (line: string) => void;
}

/**
 * Returns the shapes dataset in `dir`, generating it first when it is missing — what
 * training commands call when no dataset is given. Generation happens in a temporary
 * sibling directory renamed into place, so an interrupted run never leaves a half dataset
 * and two processes racing both end with the same complete one.
 */
export async function ensureShapesDataset(
  dir: string,
  options: ShapesDatasetOptions = {},
  onProgress?: (done: number, total: number) => void,
  ensure: EnsureShapesOptions = {},
): Promise<ShapesDatasetPaths> {
  const o = resolveShapesOptions(options);
  const existing = await readMarker(dir);
  if (existing === null) {
    await generateInPlace(dir, options, onProgress);
    return ensureShapesDataset(dir, options);
  }
  const wanted = JSON.stringify(shapesMarker(o));
  if (existing === wanted) return shapesDatasetPaths(dir);
  if (ensure.onOutdated !== 'regenerate') {
    throw new UserError(
      `${dir}: holds a shapes dataset made with other options (${existing}); wanted ${wanted}. ` +
        'Delete it or choose another directory.',
    );
  }
  if (!isBuiltInShapesMarker(JSON.parse(existing))) {
    throw new UserError(
      `${dir}: holds a shapes dataset made with other options (${existing}), not apdet's default dataset; ` +
        'it is kept. Use it as a dataset of its own (--data), or move it away to have the default one generated here',
    );
  }
  ensure.log?.(`${dir}: holds a shapes dataset made with other options (${existing}); regenerating it as ${wanted}`);
  // The old dataset is moved aside, removed once the new one is in place, and put back if
  // generating the new one fails.
  const aside = `${dir}.old-${process.pid}-${randomBytes(4).toString('hex')}`; // see generateInPlace's stale removal
  try {
    await rename(dir, aside);
  } catch (error) {
    // Another process moved it aside first and is regenerating: start over from its state.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return ensureShapesDataset(dir, options, onProgress, ensure);
    throw error;
  }
  try {
    await generateInPlace(dir, options, onProgress);
  } catch (error) {
    if ((await readMarker(dir)) === null) await rename(aside, dir);
    throw error;
  }
  await rm(aside, { recursive: true, force: true });
  return ensureShapesDataset(dir, options);
}

/**
 * Generates into a temporary sibling and renames it to `dir` (which must not exist). The
 * temporary folder (up to 210 MB) is removed if the process is stopped (Ctrl-C, SIGTERM), and
 * the leftovers of processes that are gone (`kill -9`) are removed first (issue 22 item 17).
 */
async function generateInPlace(
  dir: string,
  o: ShapesDatasetOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  const parent = path.dirname(path.resolve(dir));
  const name = path.basename(path.resolve(dir));
  await removeStaleTemps(parent, `${name}.tmp-`);
  await removeStaleTemps(parent, `${name}.old-`);
  const temp = path.join(parent, `${tempPrefix(`${name}.tmp-`)}${randomBytes(4).toString('hex')}`);
  const release = removeOnExit(temp);
  try {
    await makeShapesDataset(temp, o, onProgress);
    await mkdir(parent, { recursive: true });
    await rename(temp, dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    // Another process may have finished first; accept its dataset if it matches.
    if ((await readMarker(dir)) === null) throw error;
  } finally {
    release();
  }
}

/** The marker's JSON (normalised), or null when `dir` does not exist. */
async function readMarker(dir: string): Promise<string | null> {
  try {
    await stat(dir);
  } catch {
    return null;
  }
  try {
    return JSON.stringify(JSON.parse(await readFile(path.join(dir, MARKER), 'utf8')));
  } catch {
    throw new UserError(
      `${dir}: exists but is not a complete shapes dataset (no readable ${MARKER}); ` +
        'delete it or choose another directory',
    );
  }
}

async function writeSplit(
  split: 'train' | 'val',
  count: number,
  imageDir: string,
  annotationFile: string,
  o: ResolvedShapesOptions,
  tick: () => void,
): Promise<void> {
  await mkdir(imageDir, { recursive: true });
  const json: CocoJson = {
    info: {
      description: `apdet shapes dataset (${split})`,
      version: String(SHAPES_GENERATOR_VERSION),
      ...shapesMarker(o),
    },
    licenses: [],
    images: [],
    annotations: [],
    categories: o.classes.map((name, i) => ({ id: i + 1, name, supercategory: 'shape' })),
  };
  const extension = o.format === 'jpeg' ? 'jpg' : 'png';
  const pending = new Set<Promise<void>>();
  for (let i = 0; i < count; i++) {
    const imageOptions = imageOptionsOf(o, Rng.from(o.seed, SPLIT_STREAM[split], i, SIZE_STREAM));
    const { pixels, objects } = renderShapesImage(Rng.from(o.seed, SPLIT_STREAM[split], i), imageOptions);
    const width = imageOptions.width ?? imageOptions.size;
    const height = imageOptions.height ?? imageOptions.size;
    const id = i + 1;
    const fileName = `${String(id).padStart(6, '0')}.${extension}`;
    json.images.push({ id, file_name: fileName, width, height });
    for (const obj of objects) {
      const [x1, y1, x2, y2] = obj.box;
      const annotation: CocoJsonAnnotation = {
        id: json.annotations.length + 1,
        image_id: id,
        category_id: obj.label + 1,
        bbox: [round2(x1), round2(y1), round2(x2 - x1), round2(y2 - y1)],
        area: obj.visibleArea,
        iscrowd: 0,
      };
      json.annotations.push(annotation);
    }
    // Encoding runs on sharp's threads while the next image is drawn; keep a few in flight.
    const write = encodeImage(pixels, width, height, o.format)
      .then((bytes) => atomicWriteFile(path.join(imageDir, fileName), bytes))
      .then(tick);
    pending.add(write);
    write.then(
      () => pending.delete(write),
      () => undefined,
    );
    if (pending.size >= 8) await Promise.race(pending);
  }
  await Promise.all(pending);
  await atomicWriteJson(annotationFile, json, { compact: true });
}

/**
 * The drawing options of one image. Square images: the built-in dataset's settings with
 * object sizes scaled by size / 128 (`sizeRng` unused). Mixed sizes: width and height drawn
 * from `sizeRng`, object sizes and pixel details scaled by the shorter side / 128.
 */
function imageOptionsOf(o: ResolvedShapesOptions, sizeRng: Rng): ShapesImageOptions {
  if (o.imageSizes === null) {
    const imageOptions = {
      ...DEFAULT_SHAPES_IMAGE,
      size: o.size,
      maxObjectSize: Math.min(DEFAULT_SHAPES_IMAGE.maxObjectSize * (o.size / 128), o.size),
    };
    imageOptions.minObjectSize = DEFAULT_SHAPES_IMAGE.minObjectSize * Math.max(1, o.size / 128);
    return { ...imageOptions, classes: o.classes };
  }
  const { width: w, height: h } = o.imageSizes;
  const width = sizeRng.int(w[0], w[1] + 1);
  const height = sizeRng.int(h[0], h[1] + 1);
  const side = Math.min(width, height);
  const scale = Math.max(1, side / 128);
  return {
    ...DEFAULT_SHAPES_IMAGE,
    size: side,
    width,
    height,
    classes: o.classes,
    detailScale: scale,
    minObjectSize: DEFAULT_SHAPES_IMAGE.minObjectSize * scale,
    maxObjectSize: Math.min(DEFAULT_SHAPES_IMAGE.maxObjectSize * (side / 128), side),
  };
}

/** PNG or JPEG with fixed settings, so the bytes depend only on the pixels. */
function encodeImage(pixels: Uint8Array, width: number, height: number, format: 'png' | 'jpeg'): Promise<Buffer> {
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  if (format === 'jpeg') return image.jpeg({ quality: 90, chromaSubsampling: '4:4:4', mozjpeg: false }).toBuffer();
  return image.png({ compressionLevel: 6, adaptiveFiltering: false, palette: false }).toBuffer();
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
