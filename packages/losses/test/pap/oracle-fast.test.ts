import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { paplossHost, parameterizedApLoss } from '../../src/index.js';
import { caseOptions, expectMatchesFloat32Oracle, loadPapCases, scalarError, scaledError } from './helpers.js';

const cases = loadPapCases();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('official paploss oracle: fast path (cpu backend, float32 tensors)', () => {
  it('has all 23 public cases', () => expect(cases.length).toBe(23));
  for (const c of cases) {
    it(`${c.name}: loss and both gradients match outputs_float32 to 1e-5`, () => {
      expectMatchesFloat32Oracle(c, parameterizedApLoss);
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
