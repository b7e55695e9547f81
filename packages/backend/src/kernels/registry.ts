import * as tf from '@tensorflow/tfjs';

/**
 * Registers a kernel, replacing an existing registration quietly (tfjs warns on every
 * re-registration, which would spam logs on the stock kernels we deliberately override).
 */
export function replaceKernel(config: tf.KernelConfig): void {
  const existing = tf.getKernel(config.kernelName, config.backendName);
  if (existing != null) tf.unregisterKernel(config.kernelName, config.backendName);
  // Keep the stock setup/dispose hooks: wasm kernels bind their wasm functions in setupFunc
  // (run when the backend initialises), and a wrapper that calls the stock kernel needs them.
  tf.registerKernel({
    ...config,
    setupFunc: config.setupFunc ?? existing?.setupFunc,
    disposeFunc: config.disposeFunc ?? existing?.disposeFunc,
  });
}

/** Registers a gradient, replacing an existing one quietly. */
export function replaceGradient(config: tf.GradConfig): void {
  if (tf.getGradient(config.kernelName) != null) tf.unregisterGradient(config.kernelName);
  tf.registerGradient(config);
}
