/**
 * Depthwise conv gradients as forward depthwise convs (the wasm backend has neither
 * DepthwiseConv2dNativeBackpropInput nor …Filter). Filter [KH, KW, C, M]; output channel
 * c·M + m comes from input channel c and filter slice [:, :, c, m].
 *
 * Per channel multiplier m, with dy_m = dy[..., m::M] ([N, OH, OW, C]):
 * - dX = Σ_m (input gradient of a multiplier-1 depthwise conv) — the same stride-1 /
 *   polyphase forms as the dense conv (conv-grad-math.ts) with a depthwise conv and a filter
 *   that is only flipped (no in/out swap: channels stay separate);
 * - dW[:, :, c, m] = Σ_n corr(x[n, :, :, c], dy_m[n, :, :, c]): one depthwise conv over the
 *   N·C (image, channel) pairs of x with dy_m as a per-pair filter (stride d, dilation s, as in
 *   the dense dW), then a sum over n.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConvGeometry } from './conv-geometry.js';
import { flipSpatial, inputGradOf, type ConvFlavour } from './conv-grad-math.js';

const DEPTHWISE: ConvFlavour = {
  flip: flipSpatial,
  conv: (x, f, pads, dilations) => tf.depthwiseConv2d(x, f, 1, pads, 'NHWC', dilations),
};

function multiplierSlice(dy: tf.Tensor4D, m: number, multiplier: number): tf.Tensor4D {
  if (multiplier === 1) return dy;
  const [n, oh, ow, cm] = dy.shape;
  return tf.stridedSlice(dy, [0, 0, 0, m], [n, oh, ow, cm], [1, 1, 1, multiplier]) as tf.Tensor4D;
}

/** dL/dx of a depthwise conv2d (NHWC, filter [KH, KW, C, M]). */
export function depthwiseInputGrad(dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, c, multiplier] = filter.shape;
    const parts: tf.Tensor4D[] = [];
    for (let m = 0; m < multiplier; m++) {
      const w = tf.slice(filter, [0, 0, 0, m], [kh, kw, c, 1]);
      parts.push(inputGradOf(DEPTHWISE, multiplierSlice(dy, m, multiplier), w, g));
    }
    return parts.length === 1 ? parts[0] : (tf.addN(parts) as tf.Tensor4D);
  });
}

/** dL/dfilter of a depthwise conv2d (NHWC, filter [KH, KW, C, M]). */
export function depthwiseFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const [kh, kw, , multiplier] = g.filterShape;
    // (image, channel) pairs become the channels of a single image.
    const xPairs = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, h, w, n * c]) as tf.Tensor4D;
    const pads: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [g.padTop, g.padBottom],
      [g.padLeft, g.padRight],
      [0, 0],
    ];
    const perMultiplier: tf.Tensor[] = [];
    for (let m = 0; m < multiplier; m++) {
      const d = multiplierSlice(dy, m, multiplier);
      const [, oh, ow] = d.shape;
      const dyPairs = tf.reshape(tf.transpose(d, [1, 2, 0, 3]), [oh, ow, n * c, 1]);
      let out = tf.depthwiseConv2d(xPairs, dyPairs as tf.Tensor4D, [g.dilationHeight, g.dilationWidth], pads, 'NHWC', [
        g.strideHeight,
        g.strideWidth,
      ]);
      if (out.shape[1] !== kh || out.shape[2] !== kw) out = tf.slice(out, [0, 0, 0, 0], [1, kh, kw, n * c]);
      perMultiplier.push(tf.sum(tf.reshape(out, [kh, kw, n, c]), 2));
    }
    return tf.stack(perMultiplier, 3) as tf.Tensor4D;
  });
}
