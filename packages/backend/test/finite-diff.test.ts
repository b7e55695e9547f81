// Every registered gradient against central finite differences, on cpu, wasm and webgpu (when
// Dawn finds an adapter; see helpers/webgpu.ts). The losses are Σ go ⊙ op(x) with a random go,
// so the check covers every output element.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../src/testing.js';
import { FD_TOL, GRAD_CASES } from './helpers/grad-cases.js';
import { finiteDiffCheck, finiteDiffError, randomTensor } from './helpers/numeric.js';
import { webgpuSuitesRun } from './helpers/webgpu.js';

const BACKENDS = ['cpu', 'wasm', ...((await webgpuSuitesRun('finite differences on webgpu')) ? ['webgpu'] : [])] as (
  'cpu' | 'wasm' | 'webgpu'
)[];
const OTHERS = BACKENDS.filter((b) => b !== 'cpu');

for (const backend of BACKENDS) {
  describe(`finite differences on ${backend}`, () => {
    for (const c of GRAD_CASES) {
      it(c.name, async () => {
        await useBackend(backend);
        tf.tidy(() => {
          const xs = c.inputs();
          const go = randomTensor(c.op(...xs).shape, 99);
          const loss = (...ys: tf.Tensor[]) => tf.sum(tf.mul(c.op(...ys), go)) as tf.Scalar;
          const grads = tf.grads(loss)(xs);
          for (const i of c.wrt) {
            const r = finiteDiffCheck(loss, xs, i, grads[i], c.count ?? 12, c.eps ?? 1e-2);
            expect(finiteDiffError(r), `input ${i}`).toBeLessThan(FD_TOL);
          }
        });
      });
    }
  });
}

const int = (v: number[]) => tf.tensor(v, undefined, 'int32');

for (const backend of OTHERS) {
  describe(`matMul transpose flags on ${backend}`, () => {
    it('give the same products as cpu for every flag combination', async () => {
      const run = async (name: 'cpu' | typeof backend) => {
        await useBackend(name);
        return [false, true].flatMap((ta) =>
          [false, true].map((tb) =>
            tf.tidy(() => {
              const a = randomTensor(ta ? [2, 4, 3] : [2, 3, 4], 40);
              const b = randomTensor(tb ? [5, 4] : [4, 5], 41);
              return Array.from(tf.matMul(a, b, ta, tb).dataSync());
            }),
          ),
        );
      };
      const cpu = await run('cpu');
      const other = await run(backend);
      cpu.forEach((c, i) => c.forEach((v, j) => expect(Math.abs(other[i][j] - v)).toBeLessThan(1e-5)));
    });
  });

  describe(`UnsortedSegmentSum on ${backend}`, () => {
    it('matches cpu, drops out-of-range ids, sums duplicates', async () => {
      const run = async (name: 'cpu' | typeof backend) => {
        await useBackend(name);
        return tf.tidy(() =>
          tf.unsortedSegmentSum(randomTensor([5, 3], 14), int([2, 0, 2, 7, -1]) as tf.Tensor1D, 4).arraySync(),
        );
      };
      const cpu = (await run('cpu')) as number[][];
      const other = (await run(backend)) as number[][];
      // webgpu adds with atomics in any order: equal to cpu up to float32 rounding.
      cpu.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(other[i][j] - v)).toBeLessThan(1e-6)));
      expect(other[1]).toEqual([0, 0, 0]);
      expect(other[3]).toEqual([0, 0, 0]); // id 7 is out of range [0, 4): dropped, as id −1
    });
  });
}
