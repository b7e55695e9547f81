/**
 * MaxPoolGrad for the wasm backend, as one pass over typed arrays.
 *
 * Why: the stock wasm MaxPoolGrad kernel (tfjs-backend-wasm 4.22.0) drops gradient entries
 * for some windows (finite-difference errors of 40-100 % on random inputs in [-1, 1); e.g. a
 * 1×1 stride-2 pool loses windows whose value is negative), while the cpu kernel is right.
 * Ours routes dy to the FIRST maximum of each window in row-major tap order, as the cpu
 * kernel and TensorFlow do; padding never wins (it is −∞).
 *
 * Why typed arrays rather than tfjs ops: the earlier version built the same result from 9
 * strided window slices and 9 scatters per pool, and the wasm backend executes strided slices
 * in JavaScript element by element. That made the stem pool's gradient 23 % of a
 * retinanet-tiny training step; this loop is O(output × taps) with no intermediate tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { poolInfo, type PoolAttrs } from './pool-taps.js';
import { replaceKernel } from './registry.js';

/** dL/dx of a 2-D max pool (NHWC, dilation 1) given its output gradient. */
export function maxPoolGrad(dy: tf.Tensor4D, x: tf.Tensor4D, a: PoolAttrs): tf.Tensor4D {
  const info = poolInfo(x.shape, a);
  if (dy.shape[1] !== info.outHeight || dy.shape[2] !== info.outWidth) {
    throw new Error(
      `maxPoolGrad: dy is ${dy.shape.join('×')}, the pool's output is ${info.outHeight}×${info.outWidth}`,
    );
  }
  const dx = routeToFirstMax(x.dataSync() as Float32Array, dy.dataSync() as Float32Array, info);
  return tf.tensor4d(dx, x.shape, 'float32');
}

/** The scatter itself: for every output cell and channel, add dy at the first maximal input tap. */
function routeToFirstMax(xs: Float32Array, dys: Float32Array, info: tf.backend_util.Conv2DInfo): Float32Array {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const dx = new Float32Array(xs.length);
  for (let b = 0; b < n; b++) {
    const imageBase = b * h * w * c;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - top;
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - left;
        const dyBase = ((b * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let bestIndex = -1;
          for (let i = 0; i < kh; i++) {
            const y = y0 + i;
            if (y < 0 || y >= h) continue;
            for (let j = 0; j < kw; j++) {
              const xx = x0 + j;
              if (xx < 0 || xx >= w) continue;
              const index = imageBase + (y * w + xx) * c + ch;
              const v = xs[index];
              // Strictly greater keeps the first maximum; NaN and −∞ never win, as in the cpu kernel.
              if (v > best) {
                best = v;
                bestIndex = index;
              }
            }
          }
          if (bestIndex >= 0) dx[bestIndex] += dys[dyBase + ch];
        }
      }
    }
  }
  return dx;
}

function maxPoolGradKernel({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  return maxPoolGrad(inputs.dy as tf.Tensor4D, inputs.input as tf.Tensor4D, attrs as unknown as PoolAttrs);
}

/** Replaces the wasm MaxPoolGrad kernel. */
export function registerMaxPoolGrad(): void {
  replaceKernel({ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGradKernel });
}
