/**
 * AvgPoolGrad for the wasm, cpu and webgpu backends, from forward ops.
 *
 * Why: the tfjs forward avgPool divides each window by the number of NON-padding elements
 * (TensorFlow semantics; avgPool(ones, 'same') is all ones), but the stock AvgPoolGrad
 * kernels of all three backends (4.22.0) disagree with that forward whenever the padding is
 * not zero (finite-difference error ~0.5 with 'same' or explicit pads, 0.4-1.3 on webgpu;
 * 'valid' is right).
 * Ours: dx = Σ_taps placeAt(dy / count), count = Σ_taps window(pad(ones, 0)).
 */
import * as tf from '@tensorflow/tfjs';
import { cropToInput, padForTaps, placeAtTap, poolInfo, poolTaps, tapWindow, type PoolAttrs } from './pool-taps.js';
import { replaceKernel } from './registry.js';

/** dL/dx of a 2-D average pool (NHWC, padding excluded from the mean). */
export function avgPoolGrad(dy: tf.Tensor4D, x: tf.Tensor4D, a: PoolAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const t = poolTaps(poolInfo(x.shape, a));
    const { filterHeight: kh, filterWidth: kw } = t.info;
    const [, h, w] = x.shape;
    const validPad = padForTaps(tf.ones([1, h, w, 1]) as tf.Tensor4D, t, 0);
    const windows: tf.Tensor4D[] = [];
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) windows.push(tapWindow(validPad, t, i, j));
    const count = tf.addN(windows);
    const scaled = tf.div(dy, count) as tf.Tensor4D;
    const parts: tf.Tensor4D[] = [];
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) parts.push(placeAtTap(scaled, t, i, j));
    const full = parts.length === 1 ? parts[0] : (tf.addN(parts) as tf.Tensor4D);
    return cropToInput(full, t, x.shape[3]);
  });
}

function avgPoolGradKernel({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  return avgPoolGrad(inputs.dy as tf.Tensor4D, inputs.input as tf.Tensor4D, attrs as unknown as PoolAttrs);
}

/** Replaces AvgPoolGrad on the given backends (register.ts: wasm and cpu; webgpu once loaded). */
export function registerAvgPoolGrad(backendNames: readonly string[]): void {
  for (const backendName of backendNames) {
    replaceKernel({ kernelName: 'AvgPoolGrad', backendName, kernelFunc: avgPoolGradKernel });
  }
}
