import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_BACKENDS as BACKENDS } from '../roi/backends.js';
import { msDeformAttn } from '../../src/deform/index.js';
import { expectClose, loadCases, type OracleTensor } from '../roi/oracle.js';

const cases = loadCases('msda');

describe.each(BACKENDS)('msDeformAttn vs Deformable-DETR oracle ($label)', ({ setup }) => {
  beforeAll(async () => {
    await setup();
  });

  it('has all 3 public cases', () => expect(cases.length).toBe(3));

  it('oracle float32 meets the rule (reference float32 vs float64)', () => {
    for (const c of cases)
      expect(expectClose(c.outputs.output_float32.data, c.outputs.output.data, c.name)).toBeLessThan(1e-6);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: output and the three gradients', (_name, c) => {
    const t = (k: string) => {
      const o = c.inputs[k] as OracleTensor;
      return tf.tensor(o.data, o.shape, 'float32');
    };
    const value = t('value') as tf.Tensor4D;
    const locs = t('sampling_locations');
    const attn = t('attention_weights');
    const gradOut = t('grad_output');
    const shapes = c.inputs.spatial_shapes as [number, number][];
    const starts = c.inputs.level_start_index as number[];
    const f = (v: tf.Tensor, l: tf.Tensor, a: tf.Tensor) => msDeformAttn(v as tf.Tensor4D, shapes, starts, l, a);
    const out = f(value, locs, attn);
    expectClose(out.dataSync(), c.outputs.output.data, `${c.name} output`);
    const [gv, gl, ga] = tf.grads((v: tf.Tensor, l: tf.Tensor, a: tf.Tensor) => tf.sum(tf.mul(f(v, l, a), gradOut)))([
      value,
      locs,
      attn,
    ]);
    expectClose(gv.dataSync(), c.outputs.grad_value.data, `${c.name} grad_value`);
    expectClose(gl.dataSync(), c.outputs.grad_sampling_locations.data, `${c.name} grad_sampling_locations`);
    expectClose(ga.dataSync(), c.outputs.grad_attention_weights.data, `${c.name} grad_attention_weights`);
    tf.dispose([value, locs, attn, gradOut, out, gv, gl, ga]);
  });
});
