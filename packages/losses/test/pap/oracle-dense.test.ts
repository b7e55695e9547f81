import { beforeAll, describe, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { parameterizedApLossDense } from '../../src/index.js';
import { expectMatchesFloat32Oracle, loadPapCases } from './helpers.js';

const cases = loadPapCases();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('official paploss oracle: dense reference (cpu backend, tfjs autograd)', () => {
  for (const c of cases) {
    it(`${c.name}: loss and both gradients match outputs_float32 to 1e-5`, () => {
      expectMatchesFloat32Oracle(c, parameterizedApLossDense);
    });
  }
});
