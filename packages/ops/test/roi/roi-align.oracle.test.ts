import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_BACKENDS as BACKENDS } from './backends.js';
import { roiAlign } from '../../src/roi/index.js';
import { expectClose, loadCases, transposeFlat, type OracleTensor } from './oracle.js';

const NCHW_TO_NHWC = [0, 2, 3, 1];
const cases = loadCases('roi_align');

function tensorOf(t: OracleTensor, perm?: number[]): tf.Tensor {
  const data = perm ? transposeFlat(t.data, t.shape, perm) : t.data;
  const shape = perm ? perm.map((p) => t.shape[p]) : t.shape;
  return tf.tensor(Array.from(data), shape, 'float32');
}

describe.each(BACKENDS)('roiAlign vs torchvision oracle ($label)', ({ setup }) => {
  beforeAll(async () => {
    await setup();
  });

  it('has all 11 public cases', () => expect(cases.length).toBe(11));

  it('oracle float32 meets the rule (torchvision float32 vs float64)', () => {
    for (const c of cases)
      expect(expectClose(c.outputs.output_float32.data, c.outputs.output.data, c.name)).toBeLessThan(1e-6);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: output and grad_input', (_name, c) => {
    const p = c.params as {
      output_size: [number, number];
      spatial_scale: number;
      sampling_ratio: number;
      aligned: boolean;
    };
    const o = {
      outputSize: p.output_size,
      spatialScale: p.spatial_scale,
      samplingRatio: p.sampling_ratio,
      aligned: p.aligned,
    };
    const input = c.inputs.input as OracleTensor;
    const features = tensorOf(input, NCHW_TO_NHWC) as tf.Tensor4D;
    const boxes = tensorOf(c.inputs.boxes as OracleTensor) as tf.Tensor2D;
    const gradOut = tensorOf(c.inputs.grad_output as OracleTensor, NCHW_TO_NHWC);
    const out = roiAlign(features, boxes, o);
    const expectedOut = transposeFlat(c.outputs.output.data, c.outputs.output.shape, NCHW_TO_NHWC);
    expectClose(out.dataSync(), expectedOut, `${c.name} output`);
    const grad = tf.grad((f: tf.Tensor) => tf.sum(tf.mul(roiAlign(f as tf.Tensor4D, boxes, o), gradOut)))(features);
    const expectedGrad = transposeFlat(c.outputs.grad_input.data, c.outputs.grad_input.shape, NCHW_TO_NHWC);
    expectClose(grad.dataSync(), expectedGrad, `${c.name} grad_input`);
    tf.dispose([features, boxes, gradOut, out, grad]);
  });
});
