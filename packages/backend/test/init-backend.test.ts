import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { isUserError } from '@apdet/io';
import { initBackend } from '../src/init-backend.js';
import { trainingKernelsRegistered } from '../src/register.js';
import { webgpuForTests } from '../src/testing.js';

// In CI, @tensorflow/tfjs-node-gpu is installed without its binding (its build is refused),
// @tensorflow/tfjs-node is absent and the only WebGPU adapter is the software one (or none),
// so the default order must land on wasm.
const nativeAvailable = process.env.APDET_EXPECT_TENSORFLOW === '1';
const gpu = await webgpuForTests();
const hardwareWebgpu = gpu.ok && !gpu.adapter.software;

describe('initBackend', () => {
  it('default order falls back to wasm, logging one line per backend tried', async () => {
    const lines: string[] = [];
    const info = await initBackend({ log: (l) => lines.push(l) });
    if (nativeAvailable) {
      expect(info.name).toBe('tensorflow');
      return;
    }
    if (hardwareWebgpu) {
      expect(info.name).toBe('webgpu');
      expect(info.adapter?.software).toBe(false);
      return;
    }
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.threads).toBe(1);
    expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow (gpu build)', 'tensorflow (cpu build)', 'webgpu']);
    expect(info.skipped[0].why).toMatch(/pnpm gpu:setup|not installed/);
    expect(info.skipped[1].why).toMatch(/tfjs-node is not installed/);
    // A software adapter (lavapipe) is never chosen automatically; without one Dawn says why.
    expect(info.skipped[2].why).toMatch(
      gpu.ok ? /adapter Dawn offers is a software one .*choose it with --backend webgpu/ : /webgpu|WebGPU|Dawn|Vulkan/,
    );
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^\[apdet\/backend\] using wasm: /);
    expect(trainingKernelsRegistered()).toBe(true);
  });

  it('an explicit backend that cannot load is a UserError that says how to fix it', async () => {
    if (nativeAvailable) return;
    const error = await initBackend({ backend: 'tensorflow', log: false }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(/backend 'tensorflow' is not available/);
    expect((error as Error).message).toMatch(/pnpm gpu:setup/);
  });

  it('selects cpu explicitly and the training kernels work there', async () => {
    const info = await initBackend({ backend: 'cpu', log: false });
    expect(info).toMatchObject({ name: 'cpu', threads: 1, skipped: [] });
    expect(tf.getBackend()).toBe('cpu');
    const g = tf.grad((x: tf.Tensor) =>
      tf.sum(tf.conv2d(x as tf.Tensor4D, tf.ones([3, 3, 1, 1]) as tf.Tensor4D, 2, 'same')),
    )(tf.ones([1, 4, 4, 1]));
    // 3×3 ones, stride 2, same on 4×4: pads (0, 1), so rows/cols 0..3 are covered 1, 1, 2, 1 times.
    expect(Array.from(g.dataSync())).toEqual([1, 1, 2, 1, 1, 1, 2, 1, 2, 2, 4, 2, 1, 1, 2, 1]);
  });

  it('rejects an unknown backend name (e.g. from a CLI flag) with a UserError', async () => {
    const error = await initBackend({ backend: 'gpu' as never, log: false }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toBe(
      "initBackend: unknown backend 'gpu'; choose one of tensorflow, webgpu, wasm, cpu",
    );
  });

  it('rejects bad thread counts and threads on a non-wasm backend', async () => {
    await expect(initBackend({ threads: 0, log: false })).rejects.toThrow(/threads must be an integer from 1 to 8/);
    await expect(initBackend({ threads: 1.5, log: false })).rejects.toThrow(/threads must be an integer/);
    await expect(initBackend({ backend: 'cpu', threads: 2, log: false })).rejects.toThrow(
      /applies to the wasm backend only/,
    );
  });

  it('refuses threads once wasm is already initialised (threads must come first)', async () => {
    await expect(initBackend({ backend: 'wasm', threads: 2, log: false })).rejects.toThrow(
      /wasm threads must be set before/,
    );
  });
});
