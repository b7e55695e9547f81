import type { Rng } from '../rng.js';
import { placeShape, scalePolygon, shapeExtent, SHAPE_CLASSES, type PlacedShape, type ShapeClass } from './geometry.js';
import { blendCoverage, rasterizePolygon, type Coverage } from './raster.js';

/** Generator settings of one shapes image (defaults are the dataset's). */
export interface ShapesImageOptions {
  /** Side of a square image; `width` and `height`, when given, override it. */
  size: number;
  width?: number;
  height?: number;
  /** The classes to draw; an object's `label` indexes this list. Default: all of {@link SHAPE_CLASSES}. */
  classes?: readonly ShapeClass[];
  /**
   * Scale of the size-dependent details drawn in pixels (outline width, distractor stroke
   * width, step and blob radius). Default 1 (the 128-px dataset's).
   */
  detailScale?: number;
  minObjects: number;
  maxObjects: number;
  minObjectSize: number;
  maxObjectSize: number;
  /** Largest overlap of two objects' full masks, as a fraction of the smaller one. */
  maxOverlap: number;
  noiseSigma: number;
  /** Fraction of images with distractor strokes and blobs. */
  distractorFraction: number;
}

export const DEFAULT_SHAPES_IMAGE: ShapesImageOptions = {
  size: 128,
  minObjects: 2,
  maxObjects: 8,
  minObjectSize: 10,
  maxObjectSize: 56,
  maxOverlap: 0.4,
  noiseSigma: 8,
  distractorFraction: 1 / 3,
};

/** One object of a generated image: its class index (into the classes drawn), full box and visible pixel count. */
export interface ShapeObject {
  label: number;
  /** [x1, y1, x2, y2] of the whole shape, occluded parts included (as COCO boxes are). */
  box: [number, number, number, number];
  /** Pixels where this object is on top (coverage ≥ 1/2 and not covered by a later object). */
  visibleArea: number;
  /** The full outline in pixel coordinates (for segmentation or checks). */
  polygon: { xs: Float64Array; ys: Float64Array };
}

/** Keep every object at least this visible so that it stays detectable. */
const MIN_VISIBLE_FRACTION = 0.5;
const PLACEMENT_TRIES = 40;

/**
 * Draws one image of the shapes dataset: a colour gradient, distractors on some images,
 * 2–8 objects drawn in order (later ones occlude earlier ones) with overlaps bounded, then
 * Gaussian pixel noise over everything. Returns 8-bit RGB pixels (width × height, row-major)
 * and the objects. With the default options every expression reduces to the square 128-px
 * generator's, draw for draw, so the built-in dataset's bytes do not depend on the options
 * added for mixed sizes and class subsets (tested against stored digests).
 */
export function renderShapesImage(
  rng: Rng,
  o: ShapesImageOptions = DEFAULT_SHAPES_IMAGE,
): { pixels: Uint8Array; objects: ShapeObject[] } {
  const width = o.width ?? o.size;
  const height = o.height ?? o.size;
  const classes = o.classes ?? SHAPE_CLASSES;
  const detail = o.detailScale ?? 1;
  const image = new Float32Array(width * height * 3);
  const background = drawGradient(image, width, height, rng);
  if (rng.next() < o.distractorFraction) drawDistractors(image, width, height, detail, rng);

  const owner = new Int16Array(width * height).fill(-1);
  const fullMasks: Uint8Array[] = [];
  const fullAreas: number[] = [];
  const visible: number[] = [];
  const labels: number[] = [];
  const shapes: PlacedShape[] = [];
  const count = rng.int(o.minObjects, o.maxObjects + 1);
  for (let k = 0; k < count; k++) {
    const label = rng.int(0, classes.length);
    const objectSize = rng.uniform(o.minObjectSize, o.maxObjectSize);
    const angle = rng.uniform(0, 2 * Math.PI);
    for (let attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
      const [w, h] = shapeExtent(classes[label], objectSize, angle);
      const shape = placeShape(
        classes[label],
        objectSize,
        angle,
        rng.uniform(0, width - w),
        rng.uniform(0, height - h),
      );
      const coverage = rasterizePolygon(shape.xs, shape.ys, width, height);
      const mask = binaryMaskPixels(coverage, width);
      if (mask.length === 0 || !fits(mask, fullMasks, fullAreas, owner, visible, o.maxOverlap)) continue;
      const index = labels.length;
      const full = new Uint8Array(width * height);
      for (let i = 0; i < mask.length; i++) {
        const p = mask[i];
        full[p] = 1;
        const previous = owner[p];
        if (previous >= 0) visible[previous]--;
        owner[p] = index;
      }
      fullMasks.push(full);
      fullAreas.push(mask.length);
      visible.push(mask.length);
      labels.push(label);
      shapes.push(shape);
      drawObject(image, width, height, detail, shape, coverage, rng, background);
      break;
    }
  }
  const pixels = addNoiseAndQuantize(image, o.noiseSigma, rng);
  return {
    pixels,
    objects: labels.map((label, i) => ({
      label,
      box: shapes[i].box,
      visibleArea: visible[i],
      polygon: { xs: shapes[i].xs, ys: shapes[i].ys },
    })),
  };
}

/**
 * Accepts a candidate when it overlaps no earlier object by more than `maxOverlap` of the
 * smaller one and leaves each at least half visible.
 */
function fits(
  mask: Int32Array,
  fullMasks: Uint8Array[],
  fullAreas: number[],
  owner: Int16Array,
  visible: number[],
  maxOverlap: number,
): boolean {
  const lost = new Int32Array(fullMasks.length);
  const overlap = new Int32Array(fullMasks.length);
  for (let i = 0; i < mask.length; i++) {
    const p = mask[i];
    const o = owner[p];
    if (o >= 0) lost[o]++;
    for (let j = 0; j < fullMasks.length; j++) overlap[j] += fullMasks[j][p];
  }
  for (let j = 0; j < fullMasks.length; j++) {
    if (overlap[j] > maxOverlap * Math.min(mask.length, fullAreas[j])) return false;
    if (visible[j] - lost[j] < MIN_VISIBLE_FRACTION * fullAreas[j]) return false;
  }
  return true;
}

/** Pixels (row-major indices in an image `imageWidth` wide) with coverage ≥ 1/2. */
function binaryMaskPixels(coverage: Coverage, imageWidth: number): Int32Array {
  const out: number[] = [];
  for (let y = 0; y < coverage.height; y++) {
    for (let x = 0; x < coverage.width; x++) {
      if (coverage.data[y * coverage.width + x] >= 0.5) out.push((coverage.y0 + y) * imageWidth + coverage.x0 + x);
    }
  }
  return Int32Array.from(out);
}

function drawObject(
  image: Float32Array,
  width: number,
  height: number,
  detail: number,
  shape: PlacedShape,
  coverage: Coverage,
  rng: Rng,
  background: number[],
): void {
  const fill = contrastingColour(rng, background);
  const outlined = rng.chance(0.5);
  const outlineWidth = rng.uniform(1 * detail, 2.5 * detail);
  const outline = randomColour(rng);
  if (!outlined || outlineWidth > 0.6 * shape.inradius) {
    blendCoverage(image, width, coverage, fill);
    return;
  }
  blendCoverage(image, width, coverage, outline);
  const inner = scalePolygon(shape.xs, shape.ys, 1 - outlineWidth / shape.inradius);
  blendCoverage(image, width, rasterizePolygon(inner.xs, inner.ys, width, height), fill);
}

/**
 * Linear gradient between two random colours in a random direction (the direction's
 * components scaled by the image's width and height); returns the mean colour.
 */
function drawGradient(image: Float32Array, width: number, height: number, rng: Rng): number[] {
  const a = randomColour(rng);
  const b = randomColour(rng);
  const angle = rng.uniform(0, 2 * Math.PI);
  const dx = Math.cos(angle) / width;
  const dy = Math.sin(angle) / height;
  const halfX = width / 2;
  const halfY = height / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = Math.min(1, Math.max(0, 0.5 + (x - halfX) * dx + (y - halfY) * dy));
      const p = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) image[p + c] = a[c] + (b[c] - a[c]) * t;
    }
  }
  return [0, 1, 2].map((c) => (a[c] + b[c]) / 2);
}

/** 1–3 thick polyline strokes and 1–3 irregular elongated blobs: clutter that is not an object. */
function drawDistractors(image: Float32Array, width: number, height: number, detail: number, rng: Rng): void {
  const strokes = rng.int(1, 4);
  for (let s = 0; s < strokes; s++) {
    const colour = randomColour(rng);
    const strokeWidth = rng.uniform(1.5 * detail, 4 * detail);
    const points = rng.int(2, 5);
    let x = rng.uniform(0, width);
    let y = rng.uniform(0, height);
    for (let k = 1; k < points; k++) {
      const nx = Math.min(width, Math.max(0, x + rng.uniform(-50 * detail, 50 * detail)));
      const ny = Math.min(height, Math.max(0, y + rng.uniform(-50 * detail, 50 * detail)));
      drawSegment(image, width, height, x, y, nx, ny, strokeWidth, colour);
      x = nx;
      y = ny;
    }
  }
  const blobs = rng.int(1, 4);
  for (let b = 0; b < blobs; b++) {
    const colour = randomColour(rng);
    const radius = rng.uniform(4 * detail, 18 * detail);
    const aspect = rng.uniform(0.3, 0.6);
    const angle = rng.uniform(0, Math.PI);
    const cx = rng.uniform(0, width);
    const cy = rng.uniform(0, height);
    const phase2 = rng.uniform(0, 2 * Math.PI);
    const phase3 = rng.uniform(0, 2 * Math.PI);
    const n = 32;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = (2 * Math.PI * i) / n;
      const r = radius * (1 + 0.2 * Math.sin(2 * t + phase2) + 0.15 * Math.sin(3 * t + phase3));
      const ex = r * Math.cos(t);
      const ey = r * aspect * Math.sin(t);
      xs[i] = cx + ex * Math.cos(angle) - ey * Math.sin(angle);
      ys[i] = cy + ex * Math.sin(angle) + ey * Math.cos(angle);
    }
    blendCoverage(image, width, rasterizePolygon(xs, ys, width, height), colour, rng.uniform(0.6, 1));
  }
}

function drawSegment(
  image: Float32Array,
  imageWidth: number,
  imageHeight: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  width: number,
  colour: number[],
): void {
  const length = Math.hypot(x1 - x0, y1 - y0);
  if (length === 0) return;
  const nx = (-(y1 - y0) / length) * (width / 2);
  const ny = ((x1 - x0) / length) * (width / 2);
  const xs = [x0 + nx, x1 + nx, x1 - nx, x0 - nx];
  const ys = [y0 + ny, y1 + ny, y1 - ny, y0 - ny];
  blendCoverage(image, imageWidth, rasterizePolygon(xs, ys, imageWidth, imageHeight), colour);
}

function randomColour(rng: Rng): number[] {
  return [rng.uniform(0, 256), rng.uniform(0, 256), rng.uniform(0, 256)];
}

/**
 * A random colour at least 120 (sum of channel differences) from `reference`, so objects stand
 * out from the gradient's mean.
 */
function contrastingColour(rng: Rng, reference: number[]): number[] {
  let colour = randomColour(rng);
  for (let i = 0; i < 20 && distance(colour, reference) < 120; i++) colour = randomColour(rng);
  return colour;
}

function distance(a: number[], b: number[]): number {
  return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);
}

function addNoiseAndQuantize(image: Float32Array, sigma: number, rng: Rng): Uint8Array {
  const out = new Uint8Array(image.length);
  for (let i = 0; i < image.length; i++) {
    const v = Math.round(image[i] + sigma * rng.normal());
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}
