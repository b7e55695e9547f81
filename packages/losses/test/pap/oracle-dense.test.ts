import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { parameterizedApLossDense } from '../../src/index.js';
import { caseOptions, caseTensors, loadPapCases, lossAndGrads, scalarError, scaledError } from './helpers.js';

const cases = loadPapCases();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('official paploss oracle: dense reference (cpu backend, tfjs autograd)', () => {
  for (const c of cases) {
    it(`${c.name}: loss and both gradients match outputs_float32 to 1e-5`, () => {
      const t = caseTensors(c);
      const r = lossAndGrads(
        (l, u) => parameterizedApLossDense(l, u, t.targets, caseOptions(c)),
        t.logits,
        t.ious,
      );
      const ref = c.outputs_float32;
      expect(scalarError(r.loss, ref.loss)).toBeLessThanOrEqual(1e-5);
      expect(scaledError(r.gradLogits, ref.grad_logits)).toBeLessThanOrEqual(1e-5);
      expect(scaledError(r.gradIous, ref.grad_ious)).toBeLessThanOrEqual(1e-5);
      tf.dispose(Object.values(t));
    });
  }
});
