import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@apdet/backend';
import { parameterizedApLossDense } from '../../src/index.js';
import { expectMatchesFloat32Oracle, loadPapCases } from './helpers.js';

// The dense reference differentiates through tf.gather, whose stock gradient needs a kernel
// wasm lacks; @apdet/backend registers it.
beforeAll(async () => {
  await useBackend('wasm');
});

const SOME = ['linear_topk', 's4_ties', 's5_cfg_retina', 's5_ties_knots', 'sigmoid_tiny', 'square_basic'];

describe('official paploss oracle: dense reference on wasm (a representative subset)', () => {
  for (const c of loadPapCases().filter((x) => SOME.includes(x.name))) {
    it(`${c.name}: matches outputs_float32 to 1e-5`, () => {
      expect(tf.getBackend()).toBe('wasm');
      expectMatchesFloat32Oracle(c, parameterizedApLossDense);
    });
  }
});
