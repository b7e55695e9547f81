import * as tf from '@tensorflow/tfjs';
import { registerTrainingKernels } from './register.js';
import type { WebgpuAdapterDescription } from './webgpu/adapter.js';

/**
 * Backends a test can select. 'webgpu' takes whatever adapter Dawn offers, software included
 * (CI runs it on lavapipe); the native TensorFlow backend is not available in CI.
 */
export type TestBackendName = 'cpu' | 'wasm' | 'webgpu';

/**
 * For tests in any package: selects `name` as the tfjs backend (single-threaded wasm) and
 * registers the training kernels. Call in `beforeAll` / at the top of a test file; it must
 * run before the test creates tensors. For 'webgpu', check {@link webgpuForTests} first.
 *
 * ```ts
 * import { useBackend } from '@apdet/backend/testing';
 * beforeAll(() => useBackend('wasm'));
 * ```
 */
export async function useBackend(name: TestBackendName): Promise<typeof tf> {
  registerTrainingKernels();
  if (name === 'webgpu') {
    if (tf.findBackend('webgpu') == null) {
      const { startWebgpu } = await import('./webgpu/init-webgpu.js');
      const started = await startWebgpu({ allowSoftware: true });
      if (!started.ok) throw new Error(`useBackend: webgpu is not available: ${started.why}`);
    } else if (!(await tf.setBackend('webgpu'))) {
      throw new Error("useBackend: tfjs backend 'webgpu' failed to initialise");
    }
    await tf.ready();
    return tf;
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`useBackend: tfjs backend '${name}' failed to initialise`);
  await tf.ready();
  return tf;
}

export type WebgpuForTests = { ok: true; adapter: WebgpuAdapterDescription } | { ok: false; why: string };

/**
 * Whether webgpu tests can run in this process: Dawn loads and offers an adapter (any, software
 * included). Starts no backend. Test files skip their webgpu cases with ONE line when it cannot,
 * except under `CI=true` ({@link runningInCi}), where CI must have a Vulkan device and the
 * missing one is a failure.
 *
 * ```ts
 * const gpu = await webgpuForTests();
 * describe.skipIf(!gpu.ok)('… on webgpu', () => { … });
 * ```
 */
export async function webgpuForTests(): Promise<WebgpuForTests> {
  const { probeWebgpu } = await import('./webgpu/init-webgpu.js');
  return probeWebgpu();
}

/** True when this process runs in CI (`CI=true`, as `.ci/run` sets it). */
export function runningInCi(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}
