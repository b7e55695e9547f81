/**
 * Conv2D input and filter gradients written as FORWARD convolutions.
 *
 * Why: on the wasm backend the forward conv runs through XNNPACK (15-40 GFLOP/s) while the
 * stock `Conv2DBackpropInput` kernel runs at ~2 GFLOP/s and `Conv2DBackpropFilter` does not
 * exist; on the cpu backend `Conv2DBackpropFilter` runs at 0.01 GFLOP/s (docs/spec/platform.md §3).
 *
 * Notation (one spatial axis; the other is identical): forward
 *   y[o] = Σ_k x[o·s + k·d − p] · w[k],   E = (K−1)·d + 1 (dilated filter extent),
 *   I + pTop + pBottom − E = (O−1)·s + r,  0 ≤ r < s  (r input rows the forward never reached).
 *
 * Filter gradient: dw[k] = Σ_o x[o·s + k·d − p] · dy[o]. Read with k as the OUTPUT position and
 * o as the FILTER tap, this is a conv of the padded input with dy as filter, stride d and
 * dilation s. Batch and channel axes swap roles (channels of x become the batch, the batch
 * becomes the reduced channel axis):
 *   dW = transpose(conv2d(xᵀ[Ci,H,W,N], dyᵀ[OH,OW,N,Co], strides=d, dilations=s, pads=p), [1,2,0,3])
 * sliced to K rows (the r leftover rows give extra outputs that are not filter taps).
 *
 * Input gradient, stride 1: dx[i] = Σ_k dy[i + p − k·d] · w[k] is a stride-1 conv of dy with
 * the spatially flipped, in/out-swapped filter, dilation d, pads (E−1−pTop, E−1−pBottom).
 * Stride s > 1: the polyphase form in inputGradPolyphase (s² stride-1 convs with the
 * sub-filters w[φ::s], interleaved). Pads that come out negative (explicit pads larger than
 * the filter) crop dy instead.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConvGeometry } from './conv-geometry.js';
import { subsampleHW } from './subsample.js';

/** dL/dfilter of a NHWC/HWIO conv2d, from the forward input `x` and the output gradient `dy`. */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  if (isPlainPointwise(g)) return pointwiseFilterGrad(x, dy, g);
  return tf.tidy(() => {
    const [kh, kw, ci, co] = g.filterShape;
    const xT = tf.transpose(x, [3, 1, 2, 0]);
    const dyT = tf.transpose(dy, [1, 2, 0, 3]);
    const pads: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [g.padTop, g.padBottom],
      [g.padLeft, g.padRight],
      [0, 0],
    ];
    let out = tf.conv2d(xT, dyT, [g.dilationHeight, g.dilationWidth], pads, 'NHWC', [g.strideHeight, g.strideWidth]);
    if (out.shape[1] !== kh || out.shape[2] !== kw) out = tf.slice(out, [0, 0, 0, 0], [ci, kh, kw, co]);
    return tf.transpose(out, [1, 2, 0, 3]);
  });
}

/** A 1×1 conv without padding or dilation (ResNet bottlenecks, FPN laterals, downsamples). */
function isPlainPointwise(g: ConvGeometry): boolean {
  const [kh, kw] = g.filterShape;
  const noPad = g.padTop === 0 && g.padBottom === 0 && g.padLeft === 0 && g.padRight === 0;
  return kh === 1 && kw === 1 && noPad && g.dilationHeight === 1 && g.dilationWidth === 1;
}

/**
 * 1×1 filter gradient as one matMul, dW = x_sᵀ · dy over all N·OH·OW positions (x_s = x
 * subsampled by the stride). The conv form would be a single-output conv with a huge
 * dilated "filter", which the cpu backend runs at ~0.04 GFLOP/s.
 */
function pointwiseFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, oh, ow, co] = dy.shape;
    const ci = g.filterShape[2];
    // Without padding oh = ⌈h / s⌉, exactly the rows subsampleHW keeps (no slice needed: a
    // non-contiguous tf.slice costs ~1 s for a 2×128×128×64 tensor on the cpu backend).
    const sub = subsampleHW(x, g.strideHeight, g.strideWidth);
    const m = n * oh * ow;
    // Explicit transpose: the wasm matMul transpose flags are slow (also fixed by our wasm kernel).
    const xT = tf.transpose(tf.reshape(sub, [m, ci]));
    return tf.reshape(tf.matMul(xT, tf.reshape(dy, [m, co])), [1, 1, ci, co]);
  });
}

type Pads4 = [[number, number], [number, number], [number, number], [number, number]];

/** The two things the input gradient needs from a conv flavour (dense or depthwise). */
export interface ConvFlavour {
  /** The filter of the transposed conv: spatially flipped (and in/out swapped if dense). */
  flip(filter: tf.Tensor4D): tf.Tensor4D;
  /** A stride-1 forward conv of this flavour. */
  conv(x: tf.Tensor4D, filter: tf.Tensor4D, pads: Pads4, dilations: [number, number]): tf.Tensor4D;
}

/**
 * Rotates a HWIO filter by 180° in space (reverses H and W). Reversing both axes is reversing
 * the flattened kh·kw index, so it is one small matMul by an anti-identity: bit-identical for
 * finite weights (each output is 1·w plus exact zeros), and on wasm ~25× faster than
 * `tf.reverse`, which took 14 % of a ResNet-18+FPN training step there.
 */
export function flipSpatial(filter: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, ci, co] = filter.shape;
    const taps = kh * kw;
    if (taps === 1) return filter.clone();
    const antiIdentity = tf.reverse(tf.eye(taps), [1]);
    return tf.reshape(tf.matMul(antiIdentity, tf.reshape(filter, [taps, ci * co])), [kh, kw, ci, co]);
  });
}

export const DENSE: ConvFlavour = {
  flip: (f) => tf.transpose(flipSpatial(f), [0, 1, 3, 2]),
  conv: (x, f, pads, dilations) => tf.conv2d(x, f, 1, pads, 'NHWC', dilations),
};

/** dL/dx of a NHWC/HWIO conv2d, from the output gradient `dy` and the forward `filter`. */
export function conv2dInputGrad(dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  if (isPlainPointwise(g)) return pointwiseInputGrad(dy, filter, g);
  return inputGradOf(DENSE, dy, filter, g);
}

/**
 * 1×1 input gradient: dx_s = dy · Wᵀ at the strided positions (one matMul), zeros elsewhere
 * (zero insertion by pad + reshape). Cheaper than s² polyphase convs, s² − 1 of them empty.
 */
function pointwiseInputGrad(dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, oh, ow, co] = dy.shape;
    const [, ih, iw, ci] = g.inputShape;
    const [sh, sw] = [g.strideHeight, g.strideWidth];
    const wT = tf.transpose(tf.reshape(filter, [ci, co]));
    let dx = tf.reshape(tf.matMul(tf.reshape(dy, [n * oh * ow, co]), wT), [n, oh, ow, ci]) as tf.Tensor4D;
    if (sh > 1)
      dx = tf.reshape(
        tf.pad(tf.reshape(dx, [n * oh, 1, ow * ci]), [
          [0, 0],
          [0, sh - 1],
          [0, 0],
        ]),
        [n, oh * sh, ow, ci],
      );
    if (sw > 1)
      dx = tf.reshape(
        tf.pad(tf.reshape(dx, [n * oh * sh * ow, 1, ci]), [
          [0, 0],
          [0, sw - 1],
          [0, 0],
        ]),
        [n, oh * sh, ow * sw, ci],
      );
    // Without padding oh = ⌊(ih − 1)/sh⌋ + 1, so oh·sh ≥ ih: only trailing zero rows to drop.
    return dx.shape[1] === ih && dx.shape[2] === iw ? dx : tf.slice(dx, [0, 0, 0, 0], [n, ih, iw, ci]);
  });
}

/** The input gradient for any conv flavour (the depthwise gradient reuses it). */
export function inputGradOf(kind: ConvFlavour, dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return g.strideHeight === 1 && g.strideWidth === 1
    ? inputGradStride1(kind, dy, filter, g)
    : inputGradPolyphase(kind, dy, filter, g);
}

/** Stride 1 (any dilation): one conv of dy with the flipped filter. */
function inputGradStride1(kind: ConvFlavour, dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [, ih, iw] = g.inputShape;
    const [kh, kw] = g.filterShape;
    const extentH = (kh - 1) * g.dilationHeight + 1;
    const extentW = (kw - 1) * g.dilationWidth + 1;
    const top = extentH - 1 - g.padTop;
    const left = extentW - 1 - g.padLeft;
    const bottom = ih - 1 + extentH - top - dy.shape[1]; // so that the output height is ih
    const right = iw - 1 + extentW - left - dy.shape[2];
    return convWithSignedPads(
      kind,
      dy,
      kind.flip(filter),
      [top, bottom, left, right],
      [g.dilationHeight, g.dilationWidth],
    );
  });
}

/**
 * Stride s > 1 (dilation 1), polyphase: input row q = i + pTop = m·s + φ only receives taps
 * k ≡ φ (mod s), k = φ + s·j, from dy[m − j]. So each phase φ is a stride-1 conv of dy with
 * the sub-filter w[φ::s] (flipped), and dx interleaves the s² phase outputs. Same FLOPs as
 * the true gradient (zero insertion would multiply s² times as many zeros), and no
 * Conv2DBackpropInput kernel.
 */
function inputGradPolyphase(kind: ConvFlavour, dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, ih, iw, ci] = g.inputShape;
    const [sh, sw] = [g.strideHeight, g.strideWidth];
    const mh = Math.ceil((g.padTop + ih) / sh); // phase-output rows needed to cover q < pTop + ih
    const mw = Math.ceil((g.padLeft + iw) / sw);
    const rows: tf.Tensor4D[] = [];
    for (let ph = 0; ph < sh; ph++) {
      const cols: tf.Tensor4D[] = [];
      for (let pw = 0; pw < sw; pw++) cols.push(phaseOutput(kind, dy, filter, ph, pw, g, mh, mw, ci));
      // [N, mh, mw, ci] × sw → [N, mh, mw·sw, ci] with column m·sw + pw from phase pw
      rows.push(tf.reshape(tf.stack(cols, 3), [n, mh, mw * sw, ci]));
    }
    const full = tf.reshape(tf.stack(rows, 2), [n, mh * sh, mw * sw, ci]) as tf.Tensor4D;
    return tf.slice(full, [0, g.padTop, g.padLeft, 0], [n, ih, iw, ci]);
  });
}

function phaseOutput(
  kind: ConvFlavour,
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  ph: number,
  pw: number,
  g: ConvGeometry,
  mh: number,
  mw: number,
  ci: number,
): tf.Tensor4D {
  const [kh, kw] = g.filterShape;
  const jh = Math.max(0, Math.ceil((kh - ph) / g.strideHeight)); // taps of this phase
  const jw = Math.max(0, Math.ceil((kw - pw) / g.strideWidth));
  if (jh === 0 || jw === 0) return tf.zeros([dy.shape[0], mh, mw, ci]);
  const sub = tf.stridedSlice(filter, [ph, pw, 0, 0], filter.shape, [
    g.strideHeight,
    g.strideWidth,
    1,
    1,
  ]) as tf.Tensor4D;
  // z[m] = Σ_t dy[m − (j−1) + t] · flipped[t]: pad j−1 before, and after so that m < mh.
  const [, oh, ow] = dy.shape;
  return convWithSignedPads(kind, dy, kind.flip(sub), [jh - 1, mh - oh, jw - 1, mw - ow], [1, 1]);
}

/** Stride-1 conv with pads [top, bottom, left, right]; a negative pad crops instead. */
function convWithSignedPads(
  kind: ConvFlavour,
  t: tf.Tensor4D,
  filter: tf.Tensor4D,
  pads: [number, number, number, number],
  dilations: [number, number],
): tf.Tensor4D {
  const [top, bottom, left, right] = pads;
  const input = cropNegativePads(t, top, bottom, left, right);
  const explicit: Pads4 = [
    [0, 0],
    [Math.max(top, 0), Math.max(bottom, 0)],
    [Math.max(left, 0), Math.max(right, 0)],
    [0, 0],
  ];
  return kind.conv(input, filter, explicit, dilations);
}

/** Negative pads mean "drop that many rows/cols"; positive ones are left to the conv. */
function cropNegativePads(t: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) return t;
  const [n, h, w, c] = t.shape;
  const y0 = Math.max(-top, 0);
  const x0 = Math.max(-left, 0);
  const hh = h - y0 - Math.max(-bottom, 0);
  const ww = w - x0 - Math.max(-right, 0);
  return tf.slice(t, [0, y0, x0, 0], [n, hh, ww, c]);
}
