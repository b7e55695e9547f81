import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { parameterizedApLoss } from '../../src/index.js';
import { expectMatchesFloat32Oracle, loadPapCases } from './helpers.js';

// The fast path and the chunked sigmoid path need no extra kernels: this file selects the
// stock wasm backend on purpose (the dense reference, which needs a gather gradient, is
// checked on wasm in oracle-dense-wasm.test.ts with @apdet/backend's kernels).
beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe('official paploss oracle: fast path on the stock wasm backend', () => {
  for (const c of loadPapCases()) {
    it(`${c.name}: matches outputs_float32 to 1e-5`, () => {
      expect(tf.getBackend()).toBe('wasm');
      expectMatchesFloat32Oracle(c, parameterizedApLoss);
    });
  }
});
