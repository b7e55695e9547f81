import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { flipSpatial } from '../src/conv-grad-math.js';
import { useBackend } from '../src/testing.js';

// flipSpatial replaces tf.reverse(filter, [0, 1]) in the conv input gradients for speed; it must
// give exactly the same bits, including for non-square kernels and 1×1.
describe.each(['cpu', 'wasm'] as const)('flipSpatial on %s', (backend) => {
  it.each([
    [3, 3, 4, 5],
    [7, 7, 3, 2],
    [1, 3, 2, 2],
    [5, 2, 3, 1],
    [1, 1, 4, 4],
  ])('equals tf.reverse over H and W bit for bit for a %ix%i filter', async (kh, kw, ci, co) => {
    await useBackend(backend);
    const filter = tf.randomNormal([kh, kw, ci, co], 0, 1, 'float32', 7) as tf.Tensor4D;
    const expected = tf.reverse(filter, [0, 1]);
    const actual = flipSpatial(filter);
    expect(actual.shape).toEqual(expected.shape);
    expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([filter, expected, actual]);
  });
});
