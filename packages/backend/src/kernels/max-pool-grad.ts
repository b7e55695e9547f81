/**
 * MaxPoolGrad for the wasm backend, from forward ops.
 *
 * Why: the stock wasm MaxPoolGrad kernel (tfjs-backend-wasm 4.22.0) drops gradient entries
 * for some windows (finite-difference errors of 40-100 % on random inputs in [-1, 1); e.g. a
 * 1×1 stride-2 pool loses windows whose value is negative), while the cpu kernel is right.
 * Ours routes dy to the FIRST maximum of each window in row-major tap order, as the cpu
 * kernel and TensorFlow do: mask_tap = (window == y) ∧ (no earlier tap matched).
 */
import * as tf from '@tensorflow/tfjs';
import { cropToInput, padForTaps, placeAtTap, poolInfo, poolTaps, tapWindow, type PoolAttrs } from './pool-taps.js';
import { replaceKernel } from './registry.js';

/** dL/dx of a 2-D max pool (NHWC, dilation 1) given its output gradient. */
export function maxPoolGrad(dy: tf.Tensor4D, x: tf.Tensor4D, a: PoolAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const t = poolTaps(poolInfo(x.shape, a));
    const { filterHeight: kh, filterWidth: kw } = t.info;
    const xPad = padForTaps(x, t, -Infinity);
    const y = tf.maxPool(x, [kh, kw], [t.info.strideHeight, t.info.strideWidth], [
      [0, 0],
      [t.info.padInfo.top, t.info.padInfo.bottom],
      [t.info.padInfo.left, t.info.padInfo.right],
      [0, 0],
    ]);
    let unclaimed: tf.Tensor = tf.onesLike(y);
    const parts: tf.Tensor4D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const mask = tf.mul(tf.cast(tf.equal(tapWindow(xPad, t, i, j), y), 'float32'), unclaimed);
        unclaimed = tf.sub(unclaimed, mask);
        parts.push(placeAtTap(tf.mul(mask, dy) as tf.Tensor4D, t, i, j));
      }
    }
    const full = parts.length === 1 ? parts[0] : (tf.addN(parts) as tf.Tensor4D);
    return cropToInput(full, t, x.shape[3]);
  });
}

function maxPoolGradKernel({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  return maxPoolGrad(inputs.dy as tf.Tensor4D, inputs.input as tf.Tensor4D, attrs as unknown as PoolAttrs);
}

/** Replaces the wasm MaxPoolGrad kernel. */
export function registerMaxPoolGrad(): void {
  replaceKernel({ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGradKernel as tf.KernelFunc });
}
