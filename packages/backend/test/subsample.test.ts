import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { subsampleHW } from '../src/subsample.js';
import { useBackend } from '../src/testing.js';
import { randomTensor } from './helpers/numeric.js';

describe('subsampleHW (the wasm path avoids tf.stridedSlice)', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`equals stridedSlice on ${backend} for sizes that do and do not divide by the stride`, async () => {
      await useBackend(backend);
      for (const [h, w, sh, sw] of [
        [7, 6, 2, 2],
        [8, 9, 3, 2],
        [5, 5, 1, 2],
        [4, 7, 2, 1],
        [1, 1, 2, 2],
      ]) {
        tf.tidy(() => {
          const x = randomTensor([2, h, w, 3], h * 10 + w) as tf.Tensor4D;
          const want = tf.stridedSlice(x, [0, 0, 0, 0], [2, h, w, 3], [1, sh, sw, 1]);
          const got = subsampleHW(x, sh, sw);
          expect(got.shape).toEqual(want.shape);
          expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
        });
      }
    });
  }
});
