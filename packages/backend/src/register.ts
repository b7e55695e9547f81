/**
 * One place for every training kernel and gradient tfjs lacks (docs/spec/platform.md §3).
 */
import * as tf from '@tensorflow/tfjs';
// Import the wasm backend BEFORE registering: its module registers its stock kernels on load,
// which would otherwise overwrite ours if it were imported later.
import '@tensorflow/tfjs-backend-wasm';
import { registerWebgpuAddN } from './kernels/add-n-chunked.js';
import { registerAvgPoolGrad } from './kernels/avg-pool-grad.js';
import { registerComparisonGradients } from './kernels/comparison-grads.js';
import { registerConvKernels } from './kernels/conv-kernels.js';
import { registerDepthwiseKernels } from './kernels/depthwise-kernels.js';
import { registerIndexGradients } from './kernels/index-grads.js';
import { registerBatchMatMulGradient, registerWasmMatMulTranspose } from './kernels/matmul-transpose.js';
import { registerMaxPoolGrad } from './kernels/max-pool-grad.js';
import { registerResizeBilinearGradFix } from './kernels/resize-bilinear-grad-fix.js';
import { registerResizeNearestGradFix } from './kernels/resize-nearest-grad-fix.js';
import { registerSegmentSum, registerWebgpuSegmentSum } from './kernels/segment-sum.js';
import { registerStridedSliceGradient } from './kernels/strided-slice-grad.js';

const REGISTERED_KEY = Symbol.for('@apdet/backend.trainingKernelsRegistered');

const WEBGPU_REGISTERED_KEY = Symbol.for('@apdet/backend.webgpuTrainingKernelsRegistered');

/**
 * Registers the training kernels and gradients tfjs lacks, for every backend at once
 * (kernel registrations are keyed by backend name, so this may run before or after
 * `tf.setBackend`). Idempotent: later calls do nothing. The gradients serve every backend;
 * the kernel fixes for webgpu are registered by {@link registerWebgpuTrainingKernels}, here
 * when tfjs-backend-webgpu is already loaded, else when the webgpu backend starts.
 *
 * - Conv2DBackpropFilter / Conv2DBackpropInput kernels on wasm and cpu as forward convs
 *   (wasm lacks the first; cpu's runs at 0.01 GFLOP/s), and a Conv2D gradient that also
 *   handles dilation > 1; DepthwiseConv2dNativeBackpropInput/Filter on wasm (missing there).
 * - GatherV2 (via scatterND; the stock one needs UnsortedSegmentSum), GatherNd, ScatterNd,
 *   TopK and StridedSlice gradients.
 * - Zero gradients for Equal, NotEqual, Greater, GreaterEqual, Less, LessEqual and the
 *   logical ops.
 * - UnsortedSegmentSum on wasm (and webgpu, where the stock one misplaces out-of-range ids).
 * - Fixes for wrong stock kernels: MaxPoolGrad on wasm (drops entries), AvgPoolGrad on wasm,
 *   cpu and webgpu (wrong with padding), AddN on webgpu (zeros past 7-15 inputs), ResizeBilinearGrad on cpu (height/width swapped in its
 *   output shape), ResizeNearestNeighborGrad on cpu (wrong for batch > 1).
 * - BatchMatMul with transpose flags on wasm as explicit transposes (the flagged path is
 *   ~10× slower, and the matMul gradient uses it), and a BatchMatMul gradient that sums over
 *   broadcast batch dimensions (the stock one returns the wrong shape).
 */
export function registerTrainingKernels(): void {
  const g = globalThis as unknown as Record<symbol, boolean | undefined>;
  if (g[REGISTERED_KEY]) return;
  registerConvKernels();
  registerDepthwiseKernels();
  registerIndexGradients();
  registerComparisonGradients();
  registerSegmentSum();
  registerMaxPoolGrad();
  registerAvgPoolGrad(['wasm', 'cpu']);
  registerResizeBilinearGradFix();
  registerResizeNearestGradFix();
  registerWasmMatMulTranspose();
  registerBatchMatMulGradient();
  registerStridedSliceGradient();
  g[REGISTERED_KEY] = true;
  if (tf.getKernelsForBackend('webgpu').length > 0) registerWebgpuTrainingKernels();
}

/**
 * The kernel fixes that apply to tfjs-backend-webgpu. They must be registered AFTER that
 * module is imported (its import registers its stock kernels, replacing any earlier ones), and
 * it is imported only when webgpu is used (it takes ~0.2 s), so the webgpu start-up
 * (webgpu/init-webgpu.ts) calls this. Idempotent.
 *
 * Each fix registered for wasm/cpu was checked on webgpu (test/webgpu-kernels.test.ts and the
 * suites that include webgpu): AvgPoolGrad is wrong there too (padding counted in the mean),
 * UnsortedSegmentSum is wrong for out-of-range ids, and AddN with more inputs than a shader may
 * bind returns zeros (kernels/add-n-chunked.ts). The stock webgpu Conv2DBackpropFilter/Input,
 * depthwise backprops, MaxPoolGrad, resize gradients and BatchMatMul with transpose flags are
 * right (equal to cpu within 1e-5, and to finite differences), and are GPU kernels, so they
 * stay.
 */
export function registerWebgpuTrainingKernels(): void {
  const g = globalThis as unknown as Record<symbol, boolean | undefined>;
  if (g[WEBGPU_REGISTERED_KEY]) return;
  if (tf.getKernelsForBackend('webgpu').length === 0) {
    throw new Error('registerWebgpuTrainingKernels: import @tensorflow/tfjs-backend-webgpu first');
  }
  registerAvgPoolGrad(['webgpu']);
  registerWebgpuAddN();
  registerWebgpuSegmentSum();
  g[WEBGPU_REGISTERED_KEY] = true;
}

/** Whether registerTrainingKernels() has run in this process. */
export function trainingKernelsRegistered(): boolean {
  return (globalThis as unknown as Record<symbol, boolean | undefined>)[REGISTERED_KEY] === true;
}

export { tf };
