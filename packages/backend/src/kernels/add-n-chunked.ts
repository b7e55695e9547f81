/**
 * AddN on webgpu for any number of inputs.
 *
 * Why: tfjs-backend-webgpu 4.22.0 sums all AddN inputs in one shader with one storage buffer
 * per input (`addn_packed_webgpu.ts`), and a WebGPU device allows only
 * `maxStorageBuffersPerShaderStage` of them (8 by default, output included; the Concat kernel
 * of the same package splits its inputs for this reason, AddN does not). Past that, pipeline
 * creation fails with a validation error and the result is silently zeros: a 3×3 average-pool
 * gradient (9 taps) and the global gradient norm (`@apdet/nn` clip.ts, one square per
 * parameter) go through tf.addN. Ours sums chunks that fit, then the partial sums.
 */
import * as tf from '@tensorflow/tfjs';
import { replaceKernel } from './registry.js';

const STOCK_KEY = Symbol.for('@apdet/backend.stockWebgpuAddN');

function stockKernel(): tf.KernelFunc {
  const g = globalThis as unknown as Record<symbol, tf.KernelFunc | undefined>;
  if (!(STOCK_KEY in g)) g[STOCK_KEY] = tf.getKernel('AddN', 'webgpu')?.kernelFunc;
  const k = g[STOCK_KEY];
  if (k == null) throw new Error('AddN: the webgpu backend has no stock kernel to wrap');
  return k;
}

/** Inputs one AddN shader may read: the device's storage-buffer limit minus the output. */
function maxInputs(backend: unknown): number {
  const limits = (backend as { device?: { limits?: { maxStorageBuffersPerShaderStage?: number } } }).device?.limits;
  return Math.max(2, (limits?.maxStorageBuffersPerShaderStage ?? 8) - 1);
}

/** Replaces AddN on webgpu by a chunked sum when there are more inputs than one shader may bind. */
export function registerWebgpuAddN(): void {
  const stock = stockKernel();
  replaceKernel({
    kernelName: 'AddN',
    backendName: 'webgpu',
    kernelFunc: (args) => {
      const inputs = Object.values(args.inputs) as tf.Tensor[];
      const limit = maxInputs(args.backend);
      if (inputs.length <= limit) return stock(args);
      return tf.tidy(() => {
        let parts = inputs;
        while (parts.length > limit) {
          const sums: tf.Tensor[] = [];
          for (let i = 0; i < parts.length; i += limit) {
            const chunk = parts.slice(i, i + limit);
            sums.push(chunk.length === 1 ? chunk[0] : tf.addN(chunk));
          }
          parts = sums;
        }
        return tf.addN(parts);
      });
    },
  });
}
