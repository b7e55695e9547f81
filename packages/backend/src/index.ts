/**
 * @apdet/backend: tfjs backend selection (tensorflow / webgpu / wasm / cpu) and the training
 * kernels and gradients the tfjs backends lack.
 */
export {
  BACKEND_NAMES,
  initBackend,
  type BackendDescription,
  type BackendName,
  type InitBackendOptions,
} from './init-backend.js';
export { adapterLabel, type WebgpuAdapterDescription } from './webgpu/adapter.js';
export { registerTrainingKernels, trainingKernelsRegistered } from './register.js';
export { useBackend, type TestBackendName } from './testing.js';
export { conv2dFilterGrad, conv2dInputGrad } from './conv-grad-math.js';
export { convGeometry, type ConvGeometry, type ConvPad, type ExplicitPadding } from './conv-geometry.js';
export { maxPoolGrad } from './kernels/max-pool-grad.js';
export { avgPoolGrad } from './kernels/avg-pool-grad.js';
export { depthwiseFilterGrad, depthwiseInputGrad } from './depthwise-grad-math.js';
