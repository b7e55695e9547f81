import type { Rng } from '../rng.js';
import { placeShape, scalePolygon, shapeExtent, SHAPE_CLASSES, type PlacedShape } from './geometry.js';
import { blendCoverage, rasterizePolygon, type Coverage } from './raster.js';

/** Generator settings of one shapes image (defaults are the dataset's). */
export interface ShapesImageOptions {
  size: number;
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

/** One object of a generated image: its class index (0..5), full-shape box and visible pixel count. */
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
 * Gaussian pixel noise over everything. Returns 8-bit RGB pixels and the objects.
 */
export function renderShapesImage(rng: Rng, o: ShapesImageOptions = DEFAULT_SHAPES_IMAGE): { pixels: Uint8Array; objects: ShapeObject[] } {
  const size = o.size;
  const image = new Float32Array(size * size * 3);
  const background = drawGradient(image, size, rng);
  if (rng.next() < o.distractorFraction) drawDistractors(image, size, rng);

  const owner = new Int16Array(size * size).fill(-1);
  const fullMasks: Uint8Array[] = [];
  const fullAreas: number[] = [];
  const visible: number[] = [];
  const labels: number[] = [];
  const shapes: PlacedShape[] = [];
  const count = rng.int(o.minObjects, o.maxObjects + 1);
  for (let k = 0; k < count; k++) {
    const label = rng.int(0, SHAPE_CLASSES.length);
    const objectSize = rng.uniform(o.minObjectSize, o.maxObjectSize);
    const angle = rng.uniform(0, 2 * Math.PI);
    for (let attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
      const [w, h] = shapeExtent(SHAPE_CLASSES[label]!, objectSize, angle);
      const shape = placeShape(SHAPE_CLASSES[label]!, objectSize, angle, rng.uniform(0, size - w), rng.uniform(0, size - h));
      const coverage = rasterizePolygon(shape.xs, shape.ys, size, size);
      const mask = binaryMaskPixels(coverage, size);
      if (mask.length === 0 || !fits(mask, fullMasks, fullAreas, owner, visible, o.maxOverlap)) continue;
      const index = labels.length;
      const full = new Uint8Array(size * size);
      for (let i = 0; i < mask.length; i++) {
        const p = mask[i]!;
        full[p] = 1;
        const previous = owner[p]!;
        if (previous >= 0) visible[previous]!--;
        owner[p] = index;
      }
      fullMasks.push(full);
      fullAreas.push(mask.length);
      visible.push(mask.length);
      labels.push(label);
      shapes.push(shape);
      drawObject(image, size, shape, coverage, rng, background);
      break;
    }
  }
  const pixels = addNoiseAndQuantize(image, o.noiseSigma, rng);
  return { pixels, objects: labels.map((label, i) => ({ label, box: shapes[i]!.box, visibleArea: visible[i]!, polygon: { xs: shapes[i]!.xs, ys: shapes[i]!.ys } })) };
}

/** Accepts a candidate when it overlaps no earlier object by more than `maxOverlap` of the smaller one and leaves each at least half visible. */
function fits(mask: Int32Array, fullMasks: Uint8Array[], fullAreas: number[], owner: Int16Array, visible: number[], maxOverlap: number): boolean {
  const lost = new Int32Array(fullMasks.length);
  const overlap = new Int32Array(fullMasks.length);
  for (let i = 0; i < mask.length; i++) {
    const p = mask[i]!;
    const o = owner[p]!;
    if (o >= 0) lost[o]!++;
    for (let j = 0; j < fullMasks.length; j++) overlap[j]! += fullMasks[j]![p]!;
  }
  for (let j = 0; j < fullMasks.length; j++) {
    if (overlap[j]! > maxOverlap * Math.min(mask.length, fullAreas[j]!)) return false;
    if (visible[j]! - lost[j]! < MIN_VISIBLE_FRACTION * fullAreas[j]!) return false;
  }
  return true;
}

function binaryMaskPixels(coverage: Coverage, size: number): Int32Array {
  const out: number[] = [];
  for (let y = 0; y < coverage.height; y++) {
    for (let x = 0; x < coverage.width; x++) {
      if (coverage.data[y * coverage.width + x]! >= 0.5) out.push((coverage.y0 + y) * size + coverage.x0 + x);
    }
  }
  return Int32Array.from(out);
}

function drawObject(image: Float32Array, size: number, shape: PlacedShape, coverage: Coverage, rng: Rng, background: number[]): void {
  const fill = contrastingColour(rng, background);
  const outlined = rng.chance(0.5);
  const outlineWidth = rng.uniform(1, 2.5);
  const outline = randomColour(rng);
  if (!outlined || outlineWidth > 0.6 * shape.inradius) {
    blendCoverage(image, size, coverage, fill);
    return;
  }
  blendCoverage(image, size, coverage, outline);
  const inner = scalePolygon(shape.xs, shape.ys, 1 - outlineWidth / shape.inradius);
  blendCoverage(image, size, rasterizePolygon(inner.xs, inner.ys, size, size), fill);
}

/** Linear gradient between two random colours in a random direction; returns the mean colour. */
function drawGradient(image: Float32Array, size: number, rng: Rng): number[] {
  const a = randomColour(rng);
  const b = randomColour(rng);
  const angle = rng.uniform(0, 2 * Math.PI);
  const dx = Math.cos(angle) / size;
  const dy = Math.sin(angle) / size;
  const half = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const t = Math.min(1, Math.max(0, 0.5 + (x - half) * dx + (y - half) * dy));
      const p = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) image[p + c] = a[c]! + (b[c]! - a[c]!) * t;
    }
  }
  return [0, 1, 2].map((c) => (a[c]! + b[c]!) / 2);
}

/** 1–3 thick polyline strokes and 1–3 irregular elongated blobs: clutter that is not an object. */
function drawDistractors(image: Float32Array, size: number, rng: Rng): void {
  const strokes = rng.int(1, 4);
  for (let s = 0; s < strokes; s++) {
    const colour = randomColour(rng);
    const width = rng.uniform(1.5, 4);
    const points = rng.int(2, 5);
    let x = rng.uniform(0, size);
    let y = rng.uniform(0, size);
    for (let k = 1; k < points; k++) {
      const nx = Math.min(size, Math.max(0, x + rng.uniform(-50, 50)));
      const ny = Math.min(size, Math.max(0, y + rng.uniform(-50, 50)));
      drawSegment(image, size, x, y, nx, ny, width, colour);
      x = nx;
      y = ny;
    }
  }
  const blobs = rng.int(1, 4);
  for (let b = 0; b < blobs; b++) {
    const colour = randomColour(rng);
    const radius = rng.uniform(4, 18);
    const aspect = rng.uniform(0.3, 0.6);
    const angle = rng.uniform(0, Math.PI);
    const cx = rng.uniform(0, size);
    const cy = rng.uniform(0, size);
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
    blendCoverage(image, size, rasterizePolygon(xs, ys, size, size), colour, rng.uniform(0.6, 1));
  }
}

function drawSegment(image: Float32Array, size: number, x0: number, y0: number, x1: number, y1: number, width: number, colour: number[]): void {
  const length = Math.hypot(x1 - x0, y1 - y0);
  if (length === 0) return;
  const nx = (-(y1 - y0) / length) * (width / 2);
  const ny = ((x1 - x0) / length) * (width / 2);
  const xs = [x0 + nx, x1 + nx, x1 - nx, x0 - nx];
  const ys = [y0 + ny, y1 + ny, y1 - ny, y0 - ny];
  blendCoverage(image, size, rasterizePolygon(xs, ys, size, size), colour);
}

function randomColour(rng: Rng): number[] {
  return [rng.uniform(0, 256), rng.uniform(0, 256), rng.uniform(0, 256)];
}

/** A random colour at least 120 (sum of channel differences) from `reference`, so objects stand out from the gradient's mean. */
function contrastingColour(rng: Rng, reference: number[]): number[] {
  let colour = randomColour(rng);
  for (let i = 0; i < 20 && distance(colour, reference) < 120; i++) colour = randomColour(rng);
  return colour;
}

function distance(a: number[], b: number[]): number {
  return Math.abs(a[0]! - b[0]!) + Math.abs(a[1]! - b[1]!) + Math.abs(a[2]! - b[2]!);
}

function addNoiseAndQuantize(image: Float32Array, sigma: number, rng: Rng): Uint8Array {
  const out = new Uint8Array(image.length);
  for (let i = 0; i < image.length; i++) {
    const v = Math.round(image[i]! + sigma * rng.normal());
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}
