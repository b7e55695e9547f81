import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@apdet/rng';
import { mapRoisToLevels, multiLevelRoiAlign, roiAlign } from '../../src/roi/index.js';
import { TRAINING_BACKENDS as BACKENDS } from './backends.js';
import { expectClose } from './oracle.js';
import { randomRois, uniform } from './random.js';

const STRIDES = [4, 8, 16, 32];
const IMAGE = 256;
const common = { outputSize: [3, 3] as [number, number], samplingRatio: 0, aligned: true };

function pyramid(rand: Rng): tf.Tensor4D[] {
  return STRIDES.map((s) => tf.tensor4d(uniform(rand, 2 * (IMAGE / s) ** 2 * 4), [2, IMAGE / s, IMAGE / s, 4]));
}

describe.each(BACKENDS)('multiLevelRoiAlign ($label)', ({ setup }) => {
  beforeAll(setup);

  it('equals roiAlign on each RoI’s own level, in input order, forward and gradient', () => {
    const rand = Rng.from(11);
    const features = pyramid(rand);
    const rois = [...randomRois(rand, 29, 2, IMAGE), [1, -60, -40, 420, 500]]; // the last one is P5
    const roiTensor = tf.tensor2d(rois);
    const levels = mapRoisToLevels(roiTensor, { minLevel: 2, maxLevel: 5 });
    expect(new Set(levels).size, 'the random RoIs should cover every level').toBe(4);
    const gradOut = tf.tensor4d(uniform(rand, 30 * 9 * 4), [30, 3, 3, 4]);

    // Reference: each RoI alone through single-level roiAlign on its level.
    const perRoi = (fs: tf.Tensor4D[]) =>
      tf.concat(
        rois.map((r, k) =>
          roiAlign(fs[levels[k] - 2], tf.tensor2d([r]), { ...common, spatialScale: 1 / STRIDES[levels[k] - 2] }),
        ),
      );
    const opts = { ...common, featureStrides: STRIDES };
    const out = multiLevelRoiAlign(features, roiTensor, opts);
    expectClose(out.dataSync(), perRoi(features).dataSync(), 'output', 1e-6);

    const loss =
      (f: (fs: tf.Tensor4D[]) => tf.Tensor) =>
      (...fs: tf.Tensor[]) =>
        tf.sum(tf.mul(f(fs as tf.Tensor4D[]), gradOut));
    const got = tf.grads(loss((fs) => multiLevelRoiAlign(fs, roiTensor, opts)))(features);
    const want = tf.grads(loss(perRoi))(features);
    got.forEach((g, i) => expectClose(g.dataSync(), want[i].dataSync(), `gradient of level ${i + 2}`, 1e-6));
  });

  it('takes RoIs as a host Float32Array: exactly the tensor path’s output and gradient, without a device read', () => {
    const rand = Rng.from(12);
    const features = pyramid(rand);
    const rows = [...randomRois(rand, 29, 2, IMAGE), [1, -60, -40, 420, 500]];
    const roiTensor = tf.tensor2d(rows);
    const host = Float32Array.from(rows.flat());
    const opts = { ...common, featureStrides: STRIDES };
    const gradOut = tf.tensor4d(uniform(rand, 30 * 9 * 4), [30, 3, 3, 4]);
    // Engine reads (Tensor.dataSync/data) during the host-array call: none.
    const engine = tf.engine() as unknown as Record<'readSync' | 'read', (...args: unknown[]) => unknown>;
    const original = { readSync: engine.readSync, read: engine.read };
    let reads = 0;
    for (const key of ['readSync', 'read'] as const) {
      engine[key] = (...args: unknown[]) => {
        reads += 1;
        return original[key].apply(engine, args);
      };
    }
    let fromHost: tf.Tensor4D;
    try {
      fromHost = multiLevelRoiAlign(features, host, opts);
    } finally {
      Object.assign(engine, original);
    }
    expect(reads).toBe(0);
    // Bit-identical: the same float32 numbers plan the same gather.
    expect(Array.from(fromHost.dataSync())).toEqual(
      Array.from(multiLevelRoiAlign(features, roiTensor, opts).dataSync()),
    );
    const loss =
      (rois: tf.Tensor2D | Float32Array) =>
      (...fs: tf.Tensor[]) =>
        tf.sum(tf.mul(multiLevelRoiAlign(fs as tf.Tensor4D[], rois, opts), gradOut));
    const got = tf.grads(loss(host))(features);
    const want = tf.grads(loss(roiTensor))(features);
    got.forEach((g, i) =>
      expect(Array.from(g.dataSync()), `gradient of level ${i + 2}`).toEqual(Array.from(want[i].dataSync())),
    );
    // Single-level roiAlign takes host RoIs the same way.
    const single = { ...common, spatialScale: 1 / 8 };
    expect(Array.from(roiAlign(features[1], host, single).dataSync())).toEqual(
      Array.from(roiAlign(features[1], roiTensor, single).dataSync()),
    );
    expect(() => multiLevelRoiAlign(features, host.subarray(0, 7), opts)).toThrow(
      /host rois must hold K·5 numbers .*, got 7/,
    );
    expect(() => multiLevelRoiAlign(features, Float32Array.from([2, 0, 0, 8, 8]), opts)).toThrow(
      /rois\[0\] has batch index 2, expected an integer in \[0, 1\]/,
    );
  });

  it('rejects strides that are not consecutive powers of two and mismatched maps', () => {
    const rand = Rng.from(1);
    const fs = pyramid(rand);
    const rois = tf.zeros<tf.Rank.R2>([0, 5]);
    expect(() => multiLevelRoiAlign(fs, rois, { ...common, featureStrides: [4, 8, 32, 64] })).toThrow(
      /consecutive powers of two/,
    );
    expect(() => multiLevelRoiAlign(fs.slice(0, 3), rois, { ...common, featureStrides: STRIDES })).toThrow(
      /one stride per feature map/,
    );
    const odd = [fs[0], tf.zeros<tf.Rank.R4>([2, 32, 32, 5])];
    expect(() => multiLevelRoiAlign(odd, rois, { ...common, featureStrides: [4, 8] })).toThrow(
      /features\[1\] is \[2,32,32,5\]/,
    );
  });
});
