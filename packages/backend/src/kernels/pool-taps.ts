/**
 * Shared pieces of the pooling gradients: a pool is a sum over filter taps (i, j) of strided
 * windows of the padded input, so its gradient is a sum over taps of "put this [N,OH,OW,C]
 * tensor back at rows i + s·oh, cols j + s·ow".
 */
import * as tf from '@tensorflow/tfjs';
import { subsampleHW } from '../subsample.js';

/** Geometry of a 2-D pool, padded so that every window fits. */
export interface PoolTaps {
  readonly info: tf.backend_util.Conv2DInfo;
  /** padded height/width: max((o−1)·s + k, input + pad before) */
  readonly ph: number;
  readonly pw: number;
}

export function poolTaps(info: tf.backend_util.Conv2DInfo): PoolTaps {
  const ph = Math.max((info.outHeight - 1) * info.strideHeight + info.filterHeight, info.inHeight + info.padInfo.top);
  const pw = Math.max((info.outWidth - 1) * info.strideWidth + info.filterWidth, info.inWidth + info.padInfo.left);
  return { info, ph, pw };
}

/** Pads x (NHWC) to the tap extent with `value`. */
export function padForTaps(x: tf.Tensor4D, t: PoolTaps, value: number): tf.Tensor4D {
  const { top, left } = t.info.padInfo;
  const [, h, w] = x.shape;
  return tf.pad(
    x,
    [
      [0, 0],
      [top, t.ph - h - top],
      [left, t.pw - w - left],
      [0, 0],
    ],
    value,
  );
}

/** The [N, OH, OW, C] window values seen by tap (i, j). */
export function tapWindow(xPad: tf.Tensor4D, t: PoolTaps, i: number, j: number): tf.Tensor4D {
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = t.info;
  const [n, , , c] = xPad.shape;
  const reach = tf.slice(xPad, [0, i, j, 0], [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, c]);
  return subsampleHW(reach, sh, sw);
}

/** Puts v[oh, ow] at padded position (i + s·oh, j + s·ow) of a [N, ph, pw, C] zero tensor. */
export function placeAtTap(v: tf.Tensor4D, t: PoolTaps, i: number, j: number): tf.Tensor4D {
  const { strideHeight: sh, strideWidth: sw } = t.info;
  const [n, oh, ow, c] = v.shape;
  let up: tf.Tensor4D = v;
  if (sh > 1)
    up = tf.reshape(
      tf.pad(tf.reshape(up, [n * oh, 1, ow * c]), [
        [0, 0],
        [0, sh - 1],
        [0, 0],
      ]),
      [n, oh * sh, ow, c],
    );
  if (sw > 1)
    up = tf.reshape(
      tf.pad(tf.reshape(up, [n * up.shape[1] * ow, 1, c]), [
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ]),
      [n, up.shape[1], ow * sw, c],
    );
  // up spans o·s rows; keep the (o−1)·s + 1 that carry values, then shift by (i, j).
  up = tf.slice(up, [0, 0, 0, 0], [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, c]);
  return tf.pad(up, [
    [0, 0],
    [i, t.ph - i - up.shape[1]],
    [j, t.pw - j - up.shape[2]],
    [0, 0],
  ]);
}

/** Crops a padded [N, ph, pw, C] gradient back to the input's [N, H, W, C]. */
export function cropToInput(full: tf.Tensor4D, t: PoolTaps, c: number): tf.Tensor4D {
  return tf.slice(
    full,
    [0, t.info.padInfo.top, t.info.padInfo.left, 0],
    [full.shape[0], t.info.inHeight, t.info.inWidth, c],
  );
}

export interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function poolInfo(xShape: [number, number, number, number], a: PoolAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computePool2DInfo(xShape, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
}
