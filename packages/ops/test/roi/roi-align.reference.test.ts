import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@apdet/rng';
import { roiAlign, type RoiAlignOptions } from '../../src/roi/index.js';
import { TRAINING_BACKENDS as BACKENDS } from './backends.js';
import { naiveRoiAlign, naiveRoiAlignGrad } from './naive-roi-align.js';
import { expectClose } from './oracle.js';
import { randomRois, uniform } from './random.js';

// Random RoIs of very different sizes make several gather groups (adaptive sampling gives
// big RoIs more cells per bin) and a non-identity reorder, which the 6-box oracle cases
// may not; the naive kernel is the reference.
const SETTINGS: [string, RoiAlignOptions][] = [
  ['adaptive, aligned, 1/4', { outputSize: [3, 4], spatialScale: 0.25, samplingRatio: 0, aligned: true }],
  ['adaptive, legacy, 1/2', { outputSize: [2, 2], spatialScale: 0.5, samplingRatio: 0, aligned: false }],
  ['ratio 3, aligned, 1/8', { outputSize: [7, 7], spatialScale: 0.125, samplingRatio: 3, aligned: true }],
];

describe.each(BACKENDS)('roiAlign vs a naive per-sample kernel ($label)', ({ setup }) => {
  beforeAll(setup);

  it.each(SETTINGS)('%s: random RoIs, output and gradient', (_name, o) => {
    const rand = Rng.from(7);
    const shape = [2, 13, 11, 3];
    const data = uniform(
      rand,
      shape.reduce((a, b) => a * b, 1),
    );
    const rois = randomRois(rand, 40, 2, 13 / o.spatialScale);
    const [oh, ow] = o.outputSize;
    const gradOut = uniform(rand, rois.length * oh * ow * 3);
    const features = tf.tensor4d(data, shape as [number, number, number, number]);
    const out = roiAlign(features, tf.tensor2d(rois), o);
    expect(out.shape).toEqual([40, oh, ow, 3]);
    expectClose(out.dataSync(), naiveRoiAlign(data, shape, rois, o), 'output');
    const g = tf.grad((f: tf.Tensor) =>
      tf.sum(tf.mul(roiAlign(f as tf.Tensor4D, tf.tensor2d(rois), o), tf.tensor4d(gradOut, [40, oh, ow, 3]))),
    );
    expectClose(g(features).dataSync(), naiveRoiAlignGrad(gradOut, shape, rois, o), 'gradient');
  });

  it('is exact on a bilinear ramp inside the map (f = 2x + 3y + c)', () => {
    // Bilinear interpolation reproduces affine functions, so a bin's value is the ramp at the
    // bin centre: checks the pixel convention (aligned −0.5) independently of any kernel.
    const [H, W] = [8, 10];
    const ramp = Array.from({ length: H * W * 2 }, (_, i) => {
      const [y, x, c] = [Math.floor(i / (W * 2)), Math.floor(i / 2) % W, i % 2];
      return 2 * x + 3 * y + 10 * c;
    });
    const box = [0, 4, 6, 12, 10]; // image coords at scale 1/2 → map x 2..6, y 3..5 (−0.5 aligned)
    const out = roiAlign(tf.tensor4d(ramp, [1, H, W, 2]), tf.tensor2d([box]), {
      outputSize: [2, 4],
      spatialScale: 0.5,
      samplingRatio: 2,
      aligned: true,
    });
    const expected: number[] = [];
    for (let ph = 0; ph < 2; ph++)
      for (let pw = 0; pw < 4; pw++)
        for (let c = 0; c < 2; c++) expected.push(2 * (1.5 + pw + 0.5) + 3 * (2.5 + ph + 0.5) + 10 * c);
    expectClose(out.dataSync(), expected, 'ramp', 1e-6);
  });

  it('returns [0, oh, ow, C] for no RoIs', () => {
    const out = roiAlign(tf.zeros([1, 4, 4, 5]), tf.zeros([0, 5]), {
      outputSize: [2, 3],
      spatialScale: 1,
      samplingRatio: 0,
      aligned: true,
    });
    expect(out.shape).toEqual([0, 2, 3, 5]);
  });
});

describe('roiAlign input errors', () => {
  beforeAll(() => tf.setBackend('cpu'));
  const f = () => tf.zeros<tf.Rank.R4>([2, 4, 4, 1]);
  const o: RoiAlignOptions = { outputSize: [2, 2], spatialScale: 1, samplingRatio: 0, aligned: true };
  it.each([
    ['rois not [K,5]', () => roiAlign(f(), tf.zeros([3, 4]), o), /rois must be \[K,5\].*\[3,4\]/],
    [
      'batch index out of range',
      () =>
        roiAlign(
          f(),
          tf.tensor2d([
            [0, 0, 0, 1, 1],
            [2, 0, 0, 1, 1],
          ]),
          o,
        ),
      /rois\[1\] has batch index 2/,
    ],
    [
      'fractional batch index',
      () => roiAlign(f(), tf.tensor2d([[0.5, 0, 0, 1, 1]]), o),
      /rois\[0\] has batch index 0.5/,
    ],
    [
      'NaN coordinate',
      () => roiAlign(f(), tf.tensor2d([[0, NaN, 0, 1, 1]]), o),
      /rois\[0\] has a non-finite coordinate/,
    ],
    [
      'features not rank 4',
      () => roiAlign(tf.zeros([4, 4, 1]) as unknown as tf.Tensor4D, tf.zeros([0, 5]), o),
      /features must be rank 4/,
    ],
    [
      'bad outputSize',
      () => roiAlign(f(), tf.zeros([0, 5]), { ...o, outputSize: [0, 2] }),
      /outputSize must be two positive integers/,
    ],
    [
      'bad samplingRatio',
      () => roiAlign(f(), tf.zeros([0, 5]), { ...o, samplingRatio: -1 }),
      /samplingRatio must be an integer >= 0/,
    ],
    [
      'bad spatialScale',
      () => roiAlign(f(), tf.zeros([0, 5]), { ...o, spatialScale: 0 }),
      /spatialScale must be a positive number/,
    ],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
