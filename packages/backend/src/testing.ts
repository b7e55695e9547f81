import * as tf from '@tensorflow/tfjs';
import { registerTrainingKernels } from './register.js';

/** Backends a test can select (the native TensorFlow backend is not available in CI). */
export type TestBackendName = 'cpu' | 'wasm';

/**
 * For tests in any package: selects `name` as the tfjs backend (single-threaded wasm) and
 * registers the training kernels. Call in `beforeAll` / at the top of a test file; it must
 * run before the test creates tensors.
 *
 * ```ts
 * import { useBackend } from '@apdet/backend/testing';
 * beforeAll(() => useBackend('wasm'));
 * ```
 */
export async function useBackend(name: TestBackendName): Promise<typeof tf> {
  registerTrainingKernels();
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`useBackend: tfjs backend '${name}' failed to initialise`);
  await tf.ready();
  return tf;
}
