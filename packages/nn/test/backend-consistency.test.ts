import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useBackend } from '@apdet/backend';
import { fpn, resnet, valueAndGrads, type Parameter } from '../src/index.js';
import { maxAbs, maxAbsDiff, randomArray } from './helpers/reference.js';

/**
 * A full ResNet+FPN training gradient on wasm equals the cpu one (the cpu path is itself
 * checked layer by layer against float64 finite differences in layers.test.ts). Tolerance:
 * 1e-4 of each gradient's scale (float32 summation-order differences only).
 */
describe('ResNet-18 + FPN gradients: wasm vs cpu', () => {
  it('agree to 1e-4 relative for every trainable parameter (stride-2 convs, maxpool, nearest upsampling included)', async () => {
    const run = async (backend: 'cpu' | 'wasm') => {
      await useBackend(backend);
      const body = resnet({ depth: 18, widthMultiplier: 1 / 16, blocks: [1, 1, 1, 1], frozenStages: 0, seed: 3 });
      const neck = fpn({ inChannels: body.outChannels, outChannels: 8, extra: 'p6p7', seed: 4 });
      const x = tf.tensor(Float32Array.from(randomArray(2 * 45 * 38 * 3, 8)), [2, 45, 38, 3]);
      const params: Array<[string, Parameter]> = [
        ...body.trainableParameters(),
        ...neck.trainableParameters().map(([n, p]): [string, Parameter] => [`fpn.${n}`, p]),
      ];
      const { value, grads } = valueAndGrads(params, () => {
        const ps = neck.forward(body.forward(x));
        return tf.addN(
          ps.map((p, i) =>
            tf.mean(
              tf.mul(
                p,
                tf.sin(
                  tf
                    .range(0, p.size)
                    .reshape(p.shape)
                    .mul(0.1 * (i + 1)),
                ),
              ),
            ),
          ),
        ) as tf.Scalar;
      });
      const out = new Map([...grads].map(([n, g]) => [n, Float32Array.from(g.dataSync())]));
      const loss = value.dataSync()[0];
      tf.dispose([x, value, ...grads.values()]);
      body.dispose();
      neck.dispose();
      return { out, loss };
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(wasm.loss).toBeCloseTo(cpu.loss, 5);
    expect([...wasm.out.keys()]).toEqual([...cpu.out.keys()]);
    expect(cpu.out.size).toBeGreaterThan(40);
    for (const [name, g] of cpu.out) {
      expect(maxAbsDiff(wasm.out.get(name)!, g) / (maxAbs(g) + 1e-12), name).toBeLessThan(1e-4);
    }
  });
});
