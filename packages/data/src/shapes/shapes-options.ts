import { UserError } from '@apdet/io';
import { SHAPE_CLASSES, type ShapeClass } from './geometry.js';

/**
 * Options of `makeShapesDataset`; the defaults are the dataset the project trains on. The
 * optional `classes`, `imageSizes` and `format` make other datasets (fewer classes, mixed
 * image sizes, JPEG files) for tests of custom-dataset training; left out, the output is
 * byte-identical to the built-in dataset's.
 */
export interface ShapesDatasetOptions {
  train?: number;
  val?: number;
  /** Image side in pixels (square images). Default 128. Not together with `imageSizes`. */
  size?: number;
  seed?: number;
  /**
   * The classes: a count n (the first n of {@link SHAPE_CLASSES}: 3 → circle, square,
   * triangle) or the shape names, in category-id order. Default: all six.
   */
  classes?: number | readonly ShapeClass[];
  /**
   * Mixed image sizes: each image's width and height are integers drawn uniformly from these
   * inclusive ranges (each in 64..4096), e.g. `{ width: [200, 900], height: [320, 600] }`
   * for portrait to landscape images. Object sizes, outlines and clutter scale with the
   * image's shorter side (relative to the 128-px dataset). Default: square `size` images.
   */
  imageSizes?: { width: readonly [number, number]; height: readonly [number, number] };
  /** Image files: `'png'` (default, `NNNNNN.png`) or `'jpeg'` (quality 90, `NNNNNN.jpg`). */
  format?: 'png' | 'jpeg';
}

/** The options with every default filled in and checked. */
export interface ResolvedShapesOptions {
  train: number;
  val: number;
  size: number;
  seed: number;
  classes: readonly ShapeClass[];
  imageSizes: { width: readonly [number, number]; height: readonly [number, number] } | null;
  format: 'png' | 'jpeg';
}

// 4,000 training images: with 2,000, the default run's train AP50 was 0.84 against 0.76 on val
// (overfitting); the same number of steps over 4,000 images reached AP 0.576 / AP50 0.783.
/** The built-in dataset's options (the others default to all classes, square PNG images). */
export const SHAPES_DEFAULTS: Readonly<Required<Pick<ShapesDatasetOptions, 'train' | 'val' | 'size' | 'seed'>>> = {
  train: 4000,
  val: 500,
  size: 128,
  seed: 0,
};

/** Bumped whenever the generator's output changes, so stale datasets are regenerated. */
export const SHAPES_GENERATOR_VERSION = 1;

/**
 * The built-in dataset's options in earlier apdet versions: 2,000 training images until commit
 * b8f4d30 (docs/experiments.md). When the defaults change, the old ones are added here, so a
 * dataset that an older apdet generated with its defaults is still recognised as built-in.
 */
const PAST_SHAPES_DEFAULTS: readonly (typeof SHAPES_DEFAULTS)[] = [{ train: 2000, val: 500, size: 128, seed: 0 }];

/**
 * True when a marker (the parsed `shapes-dataset.json`) is that of the built-in dataset as some
 * apdet version generated it with its default options — generated content, which can be made
 * again at any time. A dataset made with any other options (`make-shapes --train 32`, even into
 * the default folder) is the user's, and is never replaced (issue 22 item 6).
 */
export function isBuiltInShapesMarker(marker: unknown): boolean {
  if (typeof marker !== 'object' || marker === null) return false;
  const m = marker as Record<string, unknown>;
  const keys = Object.keys(m).sort().join(',');
  if (keys !== 'generatorVersion,seed,size,train,val') return false;
  const version = m.generatorVersion;
  if (!Number.isSafeInteger(version) || (version as number) < 1 || (version as number) > SHAPES_GENERATOR_VERSION) {
    return false;
  }
  return [SHAPES_DEFAULTS, ...PAST_SHAPES_DEFAULTS].some(
    (d) => m.train === d.train && m.val === d.val && m.size === d.size && m.seed === d.seed,
  );
}

const MIN_SIDE = 64;
const MAX_SIDE = 4096;

/** Fills in defaults and checks every option; a bad one is a {@link UserError}. */
export function resolveShapesOptions(options: ShapesDatasetOptions): ResolvedShapesOptions {
  if (options.size !== undefined && options.imageSizes !== undefined) {
    throw new UserError('shapes dataset: give either size (square images) or imageSizes (mixed sizes), not both');
  }
  const o: ResolvedShapesOptions = {
    ...SHAPES_DEFAULTS,
    ...(options.train === undefined ? {} : { train: options.train }),
    ...(options.val === undefined ? {} : { val: options.val }),
    ...(options.size === undefined ? {} : { size: options.size }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    classes: resolveClasses(options.classes),
    imageSizes: options.imageSizes === undefined ? null : checkImageSizes(options.imageSizes),
    format: options.format ?? 'png',
  };
  for (const key of ['train', 'val', 'seed'] as const) {
    if (!Number.isSafeInteger(o[key]) || o[key] < 0) {
      throw new UserError(`shapes dataset: --${key} must be an integer >= 0, got ${o[key]}`);
    }
  }
  if (!Number.isSafeInteger(o.size) || o.size < MIN_SIDE || o.size > MAX_SIDE) {
    throw new UserError(`shapes dataset: --size must be an integer in ${MIN_SIDE}..${MAX_SIDE}, got ${o.size}`);
  }
  if (o.format !== 'png' && o.format !== 'jpeg') {
    throw new UserError(`shapes dataset: format must be 'png' or 'jpeg', got ${JSON.stringify(o.format)}`);
  }
  return o;
}

function resolveClasses(classes: ShapesDatasetOptions['classes']): readonly ShapeClass[] {
  if (classes === undefined) return SHAPE_CLASSES;
  if (typeof classes === 'number') {
    if (!Number.isSafeInteger(classes) || classes < 1 || classes > SHAPE_CLASSES.length) {
      throw new UserError(`shapes dataset: classes must be an integer in 1..${SHAPE_CLASSES.length}, got ${classes}`);
    }
    return SHAPE_CLASSES.slice(0, classes);
  }
  const known = new Set<string>(SHAPE_CLASSES);
  const bad = classes.filter((name) => !known.has(name));
  if (classes.length === 0 || bad.length > 0 || new Set(classes).size !== classes.length) {
    throw new UserError(
      `shapes dataset: classes must be distinct names among ${SHAPE_CLASSES.join(', ')}, ` +
        `got ${JSON.stringify(classes)}`,
    );
  }
  return [...classes];
}

function checkImageSizes(
  sizes: NonNullable<ShapesDatasetOptions['imageSizes']>,
): NonNullable<ResolvedShapesOptions['imageSizes']> {
  for (const axis of ['width', 'height'] as const) {
    const range = sizes[axis] as readonly number[] | undefined;
    const ok =
      Array.isArray(range) &&
      range.length === 2 &&
      range.every((v) => Number.isSafeInteger(v) && v >= MIN_SIDE && v <= MAX_SIDE) &&
      range[0]! <= range[1]!;
    if (!ok) {
      throw new UserError(
        `shapes dataset: imageSizes.${axis} must be [min, max] integers in ${MIN_SIDE}..${MAX_SIDE} ` +
          `with min <= max, got ${JSON.stringify(range)}`,
      );
    }
  }
  return { width: [sizes.width[0], sizes.width[1]], height: [sizes.height[0], sizes.height[1]] };
}

/**
 * What a dataset's marker file and `info` record: the built-in dataset's keys, plus the
 * optional settings only where they differ from the defaults (so the built-in dataset's
 * marker, and thus its bytes, stay as they were).
 */
export function shapesMarker(o: ResolvedShapesOptions): Record<string, unknown> {
  const marker: Record<string, unknown> = { generatorVersion: SHAPES_GENERATOR_VERSION, train: o.train, val: o.val };
  if (o.imageSizes === null) marker.size = o.size;
  marker.seed = o.seed;
  const allClasses = o.classes.length === SHAPE_CLASSES.length && o.classes.every((c, i) => c === SHAPE_CLASSES[i]);
  if (!allClasses) marker.classes = [...o.classes];
  if (o.imageSizes !== null) marker.imageSizes = { width: [...o.imageSizes.width], height: [...o.imageSizes.height] };
  if (o.format !== 'png') marker.format = o.format;
  return marker;
}
