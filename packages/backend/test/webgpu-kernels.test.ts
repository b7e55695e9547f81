// webgpu against cpu on the same inputs, and the synchronous read that the host-side code
// (PAP loss, NMS, RoIAlign/MSDA plans, matching, the training step's one read) relies on.
// Finite differences, the conv oracle, stock references and leak checks include webgpu in
// their own files (finite-diff, conv-oracle, stock-reference, memory).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../src/init-backend.js';
import { useBackend } from '../src/testing.js';
import { GRAD_CASES, type GradCase } from './helpers/grad-cases.js';
import { randomTensor } from './helpers/numeric.js';
import { webgpuSuitesRun } from './helpers/webgpu.js';

/**
 * webgpu vs cpu on the same inputs, relative to the cpu gradient's largest magnitude. Both are
 * float32 with different summation orders; observed ≤ 1e-6 on these sizes.
 */
const VS_CPU_TOL = 1e-5;

/** The gradients of Σ go ⊙ op(xs) on `backend`, as plain arrays (inputs and go rebuilt there). */
async function gradsOn(backend: 'cpu' | 'webgpu', c: GradCase): Promise<number[][]> {
  await useBackend(backend);
  return tf.tidy(() => {
    const xs = c.inputs();
    const go = randomTensor(c.op(...xs).shape, 99);
    const grads = tf.grads((...ys: tf.Tensor[]) => tf.sum(tf.mul(c.op(...ys), go)) as tf.Scalar)(xs);
    return c.wrt.map((i) => Array.from(grads[i].dataSync()));
  });
}

function maxRelDiff(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return diff / scale;
}

if (await webgpuSuitesRun('webgpu against cpu, and synchronous reads')) {
  describe('webgpu gradients equal cpu gradients', () => {
    for (const c of GRAD_CASES) {
      it(c.name, async () => {
        const cpu = await gradsOn('cpu', c);
        const gpu = await gradsOn('webgpu', c);
        cpu.forEach((ref, k) => expect(maxRelDiff(gpu[k], ref), `input ${c.wrt[k]}`).toBeLessThan(VS_CPU_TOL));
      });
    }
  });

  describe('dataSync on webgpu tensors (a synchronous GPU read in Node)', () => {
    // Sizes above WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD (1000), so the ops run on the GPU.
    it('reads float32, int32 and bool results computed on the GPU, 6 MiB included', async () => {
      await useBackend('webgpu');
      const n = 1_572_864; // 6 MiB of float32
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const x = tf.range(0, n, 1, 'float32');
        const y = tf.add(tf.mul(x, 2), 1);
        expect(tf.getBackend()).toBe('webgpu');
        const values = y.dataSync();
        expect(values.length).toBe(n);
        expect([values[0], values[1], values[n - 1]]).toEqual([1, 3, 2 * (n - 1) + 1]);
        expect(values.every((v, i) => v === 2 * i + 1)).toBe(true);
        // Row r of m is (k·(r+1)) mod 67 for k = 0…63: no ties, the maximum is unique.
        const m = tf.mod(tf.mul(tf.reshape(x.slice(0, 4096), [64, 64]).mod(64), tf.range(1, 65).reshape([64, 1])), 67);
        const argMax = tf.argMax(m, 1);
        expect(argMax.dtype).toBe('int32');
        const expected = Array.from({ length: 64 }, (_, r) => {
          const row = Array.from({ length: 64 }, (__, k) => (k * (r + 1)) % 67);
          return row.indexOf(Math.max(...row));
        });
        expect(Array.from(argMax.dataSync())).toEqual(expected);
        const mask = tf.greater(m, 33);
        expect(mask.dtype).toBe('bool');
        expect(Array.from(mask.dataSync().slice(0, 64))).toEqual(
          Array.from({ length: 64 }, (_, k) => (k > 33 ? 1 : 0)),
        );
        expect((m.arraySync() as number[][])[1].slice(0, 3)).toEqual([0, 2, 4]); // arraySync reads the same way
      });
      expect(tf.memory().numTensors).toBe(before);
    });

    it('works while an asynchronous read is pending, and both agree with cpu', async () => {
      const inputs = () => [randomTensor([64, 48], 1), randomTensor([48, 40], 2)];
      await useBackend('cpu');
      const ref = tf.tidy(() => Array.from(tf.matMul(inputs()[0], inputs()[1]).dataSync()));
      await useBackend('webgpu');
      const [a, b] = inputs();
      const p1 = tf.matMul(a, b);
      const p2 = tf.matMul(a, b);
      const pending = p1.data();
      const sync = p2.dataSync();
      const later = await pending;
      expect(maxRelDiff(sync, ref)).toBeLessThan(VS_CPU_TOL);
      expect(maxRelDiff(later, ref)).toBeLessThan(VS_CPU_TOL);
      tf.dispose([a, b, p1, p2]);
    });

    it('reads the result of a training-like step (conv, pool, resize, gather, scatter) at once', async () => {
      const step = () =>
        tf.tidy(() => {
          const x = randomTensor([2, 32, 32, 8], 3) as tf.Tensor4D;
          const w = randomTensor([3, 3, 8, 16], 4) as tf.Tensor4D;
          const f = (ww: tf.Tensor) => {
            const y = tf.relu(tf.conv2d(x, ww as tf.Tensor4D, 2, 'same'));
            const p = tf.maxPool(y, 3, 2, 'same');
            const up = tf.image.resizeNearestNeighbor(p, [16, 16]);
            const flat = tf.reshape(tf.add(y, up), [-1, 16]);
            const picked = tf.gather(flat, tf.tensor1d([5, 9, 5, 200, 511], 'int32'));
            return tf.sum(tf.square(picked)) as tf.Scalar;
          };
          const { value, grad } = tf.valueAndGrad(f)(w);
          return [value.dataSync()[0], ...Array.from(grad.dataSync())];
        });
      await useBackend('cpu');
      const ref = step();
      await useBackend('webgpu');
      expect(maxRelDiff(step(), ref)).toBeLessThan(VS_CPU_TOL);
    });
  });

  describe('AddN with more inputs than one shader may bind', () => {
    it('sums 40 tensors like cpu (chunked; the stock kernel returns zeros)', async () => {
      const inputs = () => Array.from({ length: 40 }, (_, i) => randomTensor([3000], 200 + i));
      await useBackend('cpu');
      const ref = tf.tidy(() => Array.from(tf.addN(inputs()).dataSync()));
      await useBackend('webgpu');
      const before = tf.memory().numTensors;
      const sum = tf.tidy(() => Array.from(tf.addN(inputs()).dataSync()));
      expect(maxRelDiff(sum, ref)).toBeLessThan(VS_CPU_TOL);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('a GPU validation error makes the next read throw instead of returning zeros', async () => {
      await useBackend('webgpu');
      const stock = (globalThis as unknown as Record<symbol, tf.KernelFunc>)[
        Symbol.for('@apdet/backend.stockWebgpuAddN')
      ];
      const inputs = Array.from({ length: 40 }, () => tf.ones([3000]));
      const info = stock({ inputs: inputs as unknown as tf.NamedTensorInfoMap, backend: tf.backend(), attrs: {} });
      const broken = tf.engine().makeTensorFromTensorInfo(info as tf.TensorInfo);
      expect(() => broken.dataSync()).toThrow(/webgpu: \d+ GPU error\(s\) before this read.*storage buffers/);
      expect(tf.ones([2000]).mul(3).dataSync()[0]).toBe(3); // reported once; the backend works on
      tf.dispose([broken, ...inputs]);
    });
  });

  describe('initBackend with webgpu', () => {
    it("an explicit 'webgpu' takes any adapter and describes it", async () => {
      const lines: string[] = [];
      const info = await initBackend({ backend: 'webgpu', log: (l) => lines.push(l) });
      expect(info.name).toBe('webgpu');
      expect(tf.getBackend()).toBe('webgpu');
      expect(info.adapter).toBeDefined();
      const a = info.adapter!;
      expect(typeof a.vendor).toBe('string');
      expect(typeof a.architecture).toBe('string');
      expect(typeof a.software).toBe('boolean');
      expect(lines).toEqual([`[apdet/backend] using webgpu: ${info.reason}`]);
      expect(info.reason).toContain(a.vendor);
      if (a.software) expect(info.reason).toMatch(/, software\)?$/);
    });
  });
}
