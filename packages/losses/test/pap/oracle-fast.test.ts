import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { paplossHost, parameterizedApLoss } from '../../src/index.js';
import { caseOptions, caseTensors, loadPapCases, lossAndGrads, scalarError, scaledError } from './helpers.js';

const cases = loadPapCases();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('official paploss oracle: fast path (cpu backend, float32 tensors)', () => {
  it('has all 23 public cases', () => expect(cases.length).toBe(23));
  for (const c of cases) {
    it(`${c.name}: loss and both gradients match outputs_float32 to 1e-5`, () => {
      const t = caseTensors(c);
      const r = lossAndGrads(
        (l, u) => parameterizedApLoss(l, u, t.targets, caseOptions(c)),
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

describe('official paploss oracle: fast path in float64 on the host', () => {
  for (const c of cases.filter((x) => x.inputs.loss_form !== 'sigmoid')) {
    it(`${c.name}: loss and gradients match the float64 outputs to 1e-9`, () => {
      const r = paplossHost(
        {
          logits: Float32Array.from(c.inputs.logits),
          ious: Float64Array.from(c.inputs.ious),
          targets: Int32Array.from(c.inputs.targets),
        },
        caseOptions(c),
      );
      expect(scalarError(r.loss, c.outputs.loss)).toBeLessThanOrEqual(1e-9);
      expect(scaledError(r.gradLogits, c.outputs.grad_logits)).toBeLessThanOrEqual(1e-9);
      expect(scaledError(r.gradIous, c.outputs.grad_ious)).toBeLessThanOrEqual(1e-9);
    });
  }
});
