import { isUserError } from '@apdet/io';
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/rng.js';
import type { InputSize, Pipeline } from '../src/transforms/pipeline.js';
import {
  PIPELINE_PRESETS,
  pipelineByName,
  pipelineFromSpec,
  resizeTestPipeline,
  resizeTrainPipeline,
} from '../src/transforms/presets.js';
import { resizedSize } from '../src/transforms/resize.js';
import { canvasFromPixels, densify, toOriginalBoxes, type Sample } from '../src/transforms/sample.js';
import { cloneSample } from './helpers.js';

/** A grey image of `width` × `height` with 1–8 random boxes and 0–2 crowd boxes inside it. */
function photoSample(rng: Rng, width: number, height: number): Sample {
  const boxes = (n: number): Float32Array => {
    const out = new Float32Array(4 * n);
    for (let k = 0; k < n; k++) {
      const w = rng.uniform(2, width);
      const h = rng.uniform(2, height);
      const x = rng.uniform(0, width - w);
      const y = rng.uniform(0, height - h);
      out.set([x, y, x + w, y + h], 4 * k);
    }
    return out;
  };
  const n = rng.int(1, 9);
  return {
    image: canvasFromPixels(new Uint8Array(width * height * 3).fill(128), width, height),
    boxes: boxes(n),
    labels: Int32Array.from({ length: n }, () => rng.int(0, 3)),
    ignoreBoxes: boxes(rng.int(0, 3)),
    meta: {
      index: 0,
      imageId: 1,
      file: 'photo.jpg',
      originalWidth: width,
      originalHeight: height,
      affine: { sx: 1, tx: 0, sy: 1, ty: 0 },
      validWidth: width,
      validHeight: height,
    },
  };
}

function bytesOf(data: Float32Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

const INPUT_SIZES: InputSize[] = [
  [512, 512],
  [384, 640],
  [640, 384],
  [256, 256],
  [1024, 1024],
];

describe('resize-train / resize-test: metas map back to the original image exactly', () => {
  for (const inputSize of INPUT_SIZES) {
    for (const [name, make] of [
      ['resize-train', resizeTrainPipeline],
      ['resize-test', resizeTestPipeline],
    ] as const) {
      it(`${name} ${inputSize.join('x')} on images from 200x320 to 900x600`, () => {
        const pipeline = make(inputSize);
        const [boundH, boundW] = inputSize;
        let flipped = 0;
        let worst = 0;
        const trials = 24;
        for (let trial = 0; trial < trials; trial++) {
          const rng = Rng.from(31, boundH, boundW, trial);
          const width = rng.int(200, 901);
          const height = rng.int(320, 601);
          const input = photoSample(rng, width, height);
          const out = pipeline.apply(cloneSample(input), Rng.from(7, trial));
          const where = `${name} ${boundH}x${boundW}, ${width}x${height}, trial ${trial}`;
          const m = out.meta;
          // Original size kept; the valid size is the image scaled by one factor, fitted inside the bound.
          expect([m.originalWidth, m.originalHeight], where).toEqual([width, height]);
          const factor = Math.min(boundW / width, boundH / height);
          expect(Math.abs(m.validWidth - width * factor), where).toBeLessThanOrEqual(0.5);
          expect(Math.abs(m.validHeight - height * factor), where).toBeLessThanOrEqual(0.5);
          expect(m.validWidth <= boundW && m.validHeight <= boundH, where).toBe(true);
          expect(m.validWidth === boundW || m.validHeight === boundH, where).toBe(true);
          expect([m.validWidth, m.validHeight]).toEqual(
            resizedSize(width, height, { width: boundW, height: boundH, keepRatio: true, fitInside: true }),
          );
          // Padded to 32 at the bottom and right, never more than needed.
          const image = out.image;
          expect(image.width % 32 === 0 && image.height % 32 === 0, where).toBe(true);
          expect(image.width - m.validWidth >= 0 && image.width - m.validWidth < 32, where).toBe(true);
          expect(image.height - m.validHeight >= 0 && image.height - m.validHeight < 32, where).toBe(true);
          // The affine is the resize (and, after a flip, the mirror about the valid width).
          expect(Math.abs(m.affine.sx), where).toBeCloseTo(m.validWidth / width, 12);
          expect(m.affine.sy, where).toBeCloseTo(m.validHeight / height, 12);
          expect(m.affine.ty, where).toBe(0);
          if (m.affine.sx < 0) {
            flipped++;
            expect(m.affine.tx, where).toBe(m.validWidth);
          } else expect(m.affine.tx, where).toBe(0);
          // Every box survives, in order, inside the valid area, and maps back onto its original.
          expect([...out.labels], where).toEqual([...input.labels]);
          expect(out.boxes.length, where).toBe(input.boxes.length);
          expect(out.ignoreBoxes.length, where).toBe(input.ignoreBoxes.length);
          for (const [mapped, original] of [
            [out.boxes, input.boxes],
            [out.ignoreBoxes, input.ignoreBoxes],
          ] as const) {
            for (let i = 0; i < mapped.length; i += 4) {
              expect(mapped[i] >= 0 && mapped[i + 1] >= 0, where).toBe(true);
              expect(mapped[i + 2] <= m.validWidth && mapped[i + 3] <= m.validHeight, where).toBe(true);
            }
            const back = toOriginalBoxes(mapped, m);
            for (let i = 0; i < back.length; i++) worst = Math.max(worst, Math.abs(back[i] - original[i]));
          }
        }
        // float32 box storage: a few ulps of a coordinate below 1024, scaled back by ≤ 4.5.
        expect(worst).toBeLessThan(2e-4);
        if (name === 'resize-train') expect(flipped).toBeGreaterThan(trials / 4);
        else expect(flipped).toBe(0);
      });
    }
  }

  it('image content lands under the mapped box (white rectangle on black, resize-train with flips)', () => {
    for (let trial = 0; trial < 12; trial++) {
      const rng = Rng.from(5, trial);
      const width = rng.int(200, 901);
      const height = rng.int(320, 601);
      const [x, y] = [rng.int(0, width / 2), rng.int(0, height / 2)];
      const [w, h] = [rng.int(40, width / 2), rng.int(40, height / 2)];
      const pixels = new Uint8Array(width * height * 3);
      for (let yy = y; yy < y + h; yy++) pixels.fill(255, (yy * width + x) * 3, (yy * width + x + w) * 3);
      const sample = photoSample(rng, width, height);
      const input: Sample = {
        ...sample,
        image: canvasFromPixels(pixels, width, height),
        boxes: Float32Array.from([x, y, x + w, y + h]),
        labels: Int32Array.from([0]),
        ignoreBoxes: new Float32Array(0),
      };
      const out = resizeTrainPipeline([512, 512]).apply(input, Rng.from(6, trial));
      const image = densify(out.image);
      // Photometric distortion moves both levels; threshold halfway between them, on the valid area.
      let lo = Infinity;
      let hi = -Infinity;
      for (let py = 0; py < out.meta.validHeight; py++) {
        for (let px = 0; px < out.meta.validWidth; px++) {
          const v = image.data[(py * image.width + px) * 3];
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
      const extent = [Infinity, Infinity, -Infinity, -Infinity];
      for (let py = 0; py < out.meta.validHeight; py++) {
        for (let px = 0; px < out.meta.validWidth; px++) {
          if (image.data[(py * image.width + px) * 3] <= (lo + hi) / 2) continue;
          extent[0] = Math.min(extent[0], px);
          extent[1] = Math.min(extent[1], py);
          extent[2] = Math.max(extent[2], px + 1);
          extent[3] = Math.max(extent[3], py + 1);
        }
      }
      // Bilinear resampling blurs an edge by up to a source pixel on each side.
      const slack = 1.5 * Math.max(1, Math.abs(out.meta.affine.sx), out.meta.affine.sy);
      for (let c = 0; c < 4; c++)
        expect(Math.abs(extent[c] - out.boxes[c]), `trial ${trial} coord ${c}`).toBeLessThanOrEqual(slack);
      const back = toOriginalBoxes(out.boxes, out.meta);
      expect([...back].map((v) => Math.round(v * 1000) / 1000)).toEqual([x, y, x + w, y + h]);
    }
  });
});

describe('pipelineByName and specs', () => {
  it('knows every preset, passes the input size to the resize presets only', () => {
    expect(pipelineByName('resize-train', [384, 640]).name).toBe('resize-train-384x640');
    expect(pipelineByName('resize-test', [384, 640]).spec).toEqual({ preset: 'resize-test', size: [384, 640] });
    expect(pipelineByName('resize-test').name).toBe('resize-test-512x512');
    expect(pipelineByName('paper-train', [300, 300]).name).toBe('paper-train-512');
    expect(pipelineByName('shapes-train', [300, 300]).name).toBe('shapes-train');
    for (const name of Object.keys(PIPELINE_PRESETS)) expect(pipelineByName(name, [256, 320]).spec?.preset).toBe(name);
  });

  it('throws a one-line UserError naming the valid pipelines for an unknown name or a bad size', () => {
    const fail = (f: () => unknown): Error => {
      try {
        f();
      } catch (error) {
        return error as Error;
      }
      throw new Error('did not throw');
    };
    const unknown = fail(() => pipelineByName('resize'));
    expect(isUserError(unknown)).toBe(true);
    expect(unknown.message).not.toContain('\n');
    expect(unknown.message).toMatch(/unknown pipeline 'resize'; valid: paper-train, .*resize-train, resize-test/);
    expect(isUserError(fail(() => pipelineByName('toString')))).toBe(true);
    const badSize = fail(() => pipelineByName('resize-train', [512, 0]));
    expect(isUserError(badSize)).toBe(true);
    expect(badSize.message).toMatch(/\[height, width\]/);
  });

  it('a pipeline rebuilt from its spec (as worker threads do) gives identical samples', () => {
    for (const original of [resizeTrainPipeline([320, 480]), resizeTestPipeline([480, 320])] as Pipeline[]) {
      const rebuilt = pipelineFromSpec(structuredClone(original.spec!));
      expect(rebuilt.name).toBe(original.name);
      for (let trial = 0; trial < 6; trial++) {
        const rng = Rng.from(12, trial);
        const input = photoSample(rng, rng.int(200, 901), rng.int(320, 601));
        const data = input.image.data;
        for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 256;
        const a = original.apply(cloneSample(input), Rng.from(3, trial));
        const b = rebuilt.apply(cloneSample(input), Rng.from(3, trial));
        expect(bytesOf(densify(b.image).data).equals(bytesOf(densify(a.image).data))).toBe(true);
        expect(b.boxes).toEqual(a.boxes);
        expect(b.meta).toEqual(a.meta);
      }
    }
  });
});
