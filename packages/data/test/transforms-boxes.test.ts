import { describe, expect, it } from 'vitest';
import { Rng } from '../src/rng.js';
import { expand } from '../src/transforms/expand.js';
import { randomFlip } from '../src/transforms/flip.js';
import { minIouRandomCrop } from '../src/transforms/min-iou-crop.js';
import { IMAGENET_MEAN, normalize } from '../src/transforms/normalize.js';
import { padToMultiple } from '../src/transforms/pad.js';
import { photometricDistortion } from '../src/transforms/photometric.js';
import {
  coco1xTestPipeline,
  coco1xTrainPipeline,
  paperTestPipeline,
  paperTrainPipeline,
  shapesTrainPipeline,
} from '../src/transforms/presets.js';
import { resize } from '../src/transforms/resize.js';
import { canvasFromPixels, densify, toOriginalBoxes, type Sample, type Transform } from '../src/transforms/sample.js';
import { cloneSample, randomSample } from './helpers.js';

const TRANSFORMS: [string, Transform, { crops: boolean }][] = [
  ['flip', randomFlip(1), { crops: false }],
  ['resize fixed', resize({ width: 96, height: 64 }), { crops: false }],
  ['resize keep ratio', resize({ width: 833, height: 500, keepRatio: true }), { crops: false }],
  ['expand', expand({ mean: IMAGENET_MEAN, prob: 1 }), { crops: false }],
  ['min-IoU crop', minIouRandomCrop(), { crops: true }],
  ['photometric', photometricDistortion(), { crops: false }],
  ['normalize', normalize(), { crops: false }],
  ['pad', padToMultiple(32), { crops: false }],
  ['paper train pipeline', { name: 'p', apply: (s, r) => paperTrainPipeline(128).apply(s, r) }, { crops: true }],
  ['paper test pipeline', { name: 't', apply: (s, r) => paperTestPipeline().apply(s, r) }, { crops: false }],
  ['shapes train pipeline', { name: 's', apply: (s, r) => shapesTrainPipeline().apply(s, r) }, { crops: false }],
  ['coco 1x train pipeline', { name: 'c', apply: (s, r) => coco1xTrainPipeline().apply(s, r) }, { crops: false }],
  ['coco 1x test pipeline', { name: 'ct', apply: (s, r) => coco1xTestPipeline().apply(s, r) }, { crops: false }],
];

function checkBoxesInside(boxes: Float32Array, s: Sample, what: string): void {
  const W = s.meta.validWidth;
  const H = s.meta.validHeight;
  for (let i = 0; i < boxes.length; i += 4) {
    const [x1, y1, x2, y2] = [boxes[i], boxes[i + 1], boxes[i + 2], boxes[i + 3]];
    const ok =
      Number.isFinite(x1 + y1 + x2 + y2) &&
      x1 >= -1e-3 &&
      y1 >= -1e-3 &&
      x2 <= W + 1e-3 &&
      y2 <= H + 1e-3 &&
      x2 > x1 &&
      y2 > y1;
    if (!ok) throw new Error(`${what} box ${i / 4} [${x1}, ${y1}, ${x2}, ${y2}] is not a proper box inside ${W}x${H}`);
  }
}

/** Index of an original box with the same label containing `box` (mapped back), or -1. */
function containingOriginal(
  original: Sample,
  labels: Int32Array | null,
  label: number,
  box: number[],
  tolerance: number,
): number {
  const boxes = labels === null ? original.ignoreBoxes : original.boxes;
  for (let j = 0; j < boxes.length / 4; j++) {
    if (labels !== null && labels[j] !== label) continue;
    const o = [boxes[4 * j], boxes[4 * j + 1], boxes[4 * j + 2], boxes[4 * j + 3]];
    if (
      box[0] >= o[0] - tolerance &&
      box[1] >= o[1] - tolerance &&
      box[2] <= o[2] + tolerance &&
      box[3] <= o[3] + tolerance
    )
      return j;
  }
  return -1;
}

describe('transforms keep boxes consistent (property tests on random samples)', () => {
  for (const [name, transform, { crops }] of TRANSFORMS) {
    it(name, () => {
      for (let trial = 0; trial < 80; trial++) {
        const rng = Rng.from(2024, trial);
        const input = randomSample(rng, { minSide: 24, maxSide: 200 });
        const out = transform.apply(cloneSample(input), rng);
        const where = `${name}, trial ${trial}`;
        expect(out.boxes.length, where).toBe(out.labels.length * 4);
        checkBoxesInside(out.boxes, out, `${where}:`);
        checkBoxesInside(out.ignoreBoxes, out, `${where}: ignore`);
        expect(out.image.width * out.image.height, where).toBeGreaterThan(0);
        // Boxes mapped back through the recorded affine land on (part of) an input box of the same label.
        const back = toOriginalBoxes(out.boxes, out.meta);
        const tolerance = 1e-3 * Math.max(input.image.width, input.image.height) + 1e-3;
        const used = new Set<number>();
        for (let k = 0; k < out.labels.length; k++) {
          const box = [...back.subarray(4 * k, 4 * k + 4)];
          const j = containingOriginal(input, input.labels, out.labels[k], box, tolerance);
          expect(j, `${where}: box ${k} ${JSON.stringify(box)} is not inside an input box`).toBeGreaterThanOrEqual(0);
          if (!crops) {
            // Without cropping, boxes map back exactly (up to float32 rounding).
            const o = [...input.boxes.subarray(4 * k, 4 * k + 4)];
            for (let c = 0; c < 4; c++) expect(Math.abs(box[c] - o[c]), `${where}: box ${k}`).toBeLessThan(tolerance);
          }
          used.add(j);
        }
        if (!crops) {
          expect(out.labels.length, where).toBe(input.labels.length);
          expect(out.ignoreBoxes.length, where).toBe(input.ignoreBoxes.length);
        }
        const backIgnore = toOriginalBoxes(out.ignoreBoxes, out.meta);
        for (let k = 0; k < out.ignoreBoxes.length / 4; k++) {
          expect(
            containingOriginal(input, null, 0, [...backIgnore.subarray(4 * k, 4 * k + 4)], tolerance),
            `${where}: ignore box ${k}`,
          ).toBeGreaterThanOrEqual(0);
        }
      }
    });
  }

  it('crop keeps exactly the boxes whose centre is inside the patch, clipped to it', () => {
    let cropped = 0;
    for (let trial = 0; trial < 200; trial++) {
      const rng = Rng.from(77, trial);
      const input = randomSample(rng, { minSide: 40, maxSide: 120 });
      const out = minIouRandomCrop().apply(cloneSample(input), rng);
      if (out.image.width === input.image.width && out.image.height === input.image.height) continue;
      cropped++;
      const x1 = -out.meta.affine.tx;
      const y1 = -out.meta.affine.ty;
      const x2 = x1 + out.image.width;
      const y2 = y1 + out.image.height;
      const expected: number[] = [];
      for (let j = 0; j < input.labels.length; j++) {
        const b = input.boxes.subarray(4 * j, 4 * j + 4);
        const cx = (b[0] + b[2]) / 2;
        const cy = (b[1] + b[3]) / 2;
        if (cx > x1 && cy > y1 && cx < x2 && cy < y2)
          expected.push(
            Math.max(b[0], x1) - x1,
            Math.max(b[1], y1) - y1,
            Math.min(b[2], x2) - x1,
            Math.min(b[3], y2) - y1,
          );
      }
      expect([...out.boxes].map((v) => Math.round(v * 100))).toEqual(
        expected.map((v) => Math.round(Math.fround(v) * 100)),
      );
    }
    expect(cropped).toBeGreaterThan(50);
  });
});

describe('geometric transforms move image content with the boxes', () => {
  /** A black image with one white box; after the transform, the white pixels' extent should match the box. */
  function whiteBoxSample(rng: Rng): Sample {
    const width = rng.int(64, 161);
    const height = rng.int(64, 161);
    const w = rng.int(16, width / 2);
    const h = rng.int(16, height / 2);
    const x = rng.int(0, width - w);
    const y = rng.int(0, height - h);
    const px = new Float32Array(width * height * 3);
    for (let yy = y; yy < y + h; yy++)
      for (let xx = x; xx < x + w; xx++) px.fill(255, (yy * width + xx) * 3, (yy * width + xx) * 3 + 3);
    const sample = canvasFromPixels(px, width, height);
    return {
      image: sample,
      boxes: Float32Array.from([x, y, x + w, y + h]),
      labels: Int32Array.from([0]),
      ignoreBoxes: new Float32Array(0),
      meta: {
        index: 0,
        imageId: 1,
        file: 'x',
        originalWidth: width,
        originalHeight: height,
        affine: { sx: 1, tx: 0, sy: 1, ty: 0 },
        validWidth: width,
        validHeight: height,
      },
    };
  }

  function whiteExtent(s: Sample): number[] | null {
    const image = densify(s.image);
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        if (image.data[(y * image.width + x) * 3] > 200) {
          minX = Math.min(minX, x);
          minY = Math.min(minY, y);
          maxX = Math.max(maxX, x + 1);
          maxY = Math.max(maxY, y + 1);
        }
      }
    }
    return minX === Infinity ? null : [minX, minY, maxX, maxY];
  }

  const geometric: [string, Transform][] = [
    ['flip', randomFlip(1)],
    ['resize', resize({ width: 200, height: 120 })],
    ['resize keep ratio', resize({ width: 833, height: 500, keepRatio: true })],
    ['expand', expand({ mean: IMAGENET_MEAN, prob: 1 })],
    ['crop', minIouRandomCrop()],
    [
      'expand+crop+resize+flip',
      {
        name: 'ssd',
        apply: (s, r) =>
          [
            expand({ mean: IMAGENET_MEAN, prob: 1 }),
            minIouRandomCrop(),
            resize({ width: 256, height: 256 }),
            randomFlip(0.5),
          ].reduce((acc, t) => t.apply(acc, r), s),
      },
    ],
  ];
  for (const [name, transform] of geometric) {
    it(name, () => {
      for (let trial = 0; trial < 40; trial++) {
        const rng = Rng.from(99, trial);
        const out = transform.apply(whiteBoxSample(rng), rng);
        if (out.labels.length === 0) continue;
        const extent = whiteExtent(out);
        expect(extent, `${name} trial ${trial}`).not.toBeNull();
        // Bilinear resampling blurs edges by up to a source pixel on each side.
        // Without resampling the white region and the box coincide exactly.
        const { sx, sy } = out.meta.affine;
        const slack = Math.abs(sx) === 1 && Math.abs(sy) === 1 ? 1e-3 : 1.5 * Math.max(1, Math.abs(sx), Math.abs(sy));
        for (let c = 0; c < 4; c++)
          expect(
            Math.abs(extent![c] - out.boxes[c]),
            `${name} trial ${trial} coord ${c}: ${JSON.stringify(extent)} vs ${JSON.stringify([...out.boxes])}`,
          ).toBeLessThanOrEqual(slack);
      }
    });
  }
});
