/**
 * DeltaXYWH box coder with mmdet v2 semantics (`DeltaXYWHBBoxCoder`, `bbox2delta` /
 * `delta2bbox`), in the "+1-free" v2 convention: width = x2 − x1, centre = (x1 + x2)/2.
 * (mmdet v1 and Detectron used width = x2 − x1 + 1; we do NOT.)
 *
 *   encode: dx = (gx − px)/pw, dy = (gy − py)/ph, dw = ln(gw/pw), dh = ln(gh/ph);
 *           deltas = (d − means) / stds
 *   decode: d = deltas·stds + means;  dw, dh clamped to ±|ln(whRatioClip)| = ±ln(1000/16);
 *           gx = px + pw·dx, gw = pw·exp(dw);  box = (gx − gw/2, gy − gh/2, gx + gw/2, gy + gh/2);
 *           optionally clipped to `maxShape = [height, width]`.
 *
 * Defaults are mmdet's (means 0, stds 1); the PAP configs use stds [0.1, 0.1, 0.2, 0.2].
 */
import * as tf from '@tensorflow/tfjs';
import { assertBoxTensor, boxCount } from './types.js';

export type Vec4 = readonly [number, number, number, number];

export interface DeltaCoderOptions {
  means?: Vec4;
  stds?: Vec4;
  /** Max width/height change ratio; the log-delta clamp is |ln(whRatioClip)|. Default 16/1000. */
  whRatioClip?: number;
}

/** ln(1000/16) = 4.135166556742356, the default wh clamp. */
export const DEFAULT_WH_CLAMP = Math.abs(Math.log(16 / 1000));

interface ResolvedOptions {
  means: Vec4;
  stds: Vec4;
  clamp: number;
}

function resolve(o: DeltaCoderOptions | undefined): ResolvedOptions {
  return {
    means: o?.means ?? [0, 0, 0, 0],
    stds: o?.stds ?? [1, 1, 1, 1],
    clamp: Math.abs(Math.log(o?.whRatioClip ?? 16 / 1000)),
  };
}

function sameCount(a: ArrayLike<number>, b: ArrayLike<number>, what: string): number {
  const n = boxCount(a, `${what}(first)`);
  if (boxCount(b, `${what}(second)`) !== n) {
    throw new RangeError(`${what}: both inputs need the same number of boxes, got ${n} and ${b.length / 4}`);
  }
  return n;
}

/** Encodes target boxes relative to proposals/anchors (both flat xyxy) → flat deltas. */
export function encodeDeltas(
  proposals: ArrayLike<number>,
  gts: ArrayLike<number>,
  options?: DeltaCoderOptions,
): Float64Array {
  const { means, stds } = resolve(options);
  const n = sameCount(proposals, gts, 'encodeDeltas');
  const out = new Float64Array(4 * n);
  for (let o = 0; o < 4 * n; o += 4) {
    const pw = proposals[o + 2] - proposals[o];
    const ph = proposals[o + 3] - proposals[o + 1];
    const gw = gts[o + 2] - gts[o];
    const gh = gts[o + 3] - gts[o + 1];
    const d = [
      ((gts[o] + gts[o + 2]) * 0.5 - (proposals[o] + proposals[o + 2]) * 0.5) / pw,
      ((gts[o + 1] + gts[o + 3]) * 0.5 - (proposals[o + 1] + proposals[o + 3]) * 0.5) / ph,
      Math.log(gw / pw),
      Math.log(gh / ph),
    ];
    for (let k = 0; k < 4; k++) out[o + k] = (d[k] - means[k]) / stds[k];
  }
  return out;
}

/** Decodes flat deltas relative to flat xyxy anchors → flat xyxy boxes. */
export function decodeDeltas(
  anchors: ArrayLike<number>,
  deltas: ArrayLike<number>,
  options?: DeltaCoderOptions & { maxShape?: readonly [number, number] },
): Float64Array {
  const { means, stds, clamp } = resolve(options);
  const n = sameCount(anchors, deltas, 'decodeDeltas');
  const out = new Float64Array(4 * n);
  for (let o = 0; o < 4 * n; o += 4) {
    const dx = deltas[o] * stds[0] + means[0];
    const dy = deltas[o + 1] * stds[1] + means[1];
    const dw = Math.min(Math.max(deltas[o + 2] * stds[2] + means[2], -clamp), clamp);
    const dh = Math.min(Math.max(deltas[o + 3] * stds[3] + means[3], -clamp), clamp);
    const pw = anchors[o + 2] - anchors[o];
    const ph = anchors[o + 3] - anchors[o + 1];
    const gx = (anchors[o] + anchors[o + 2]) * 0.5 + pw * dx;
    const gy = (anchors[o + 1] + anchors[o + 3]) * 0.5 + ph * dy;
    const gw = pw * Math.exp(dw);
    const gh = ph * Math.exp(dh);
    out[o] = gx - gw * 0.5;
    out[o + 1] = gy - gh * 0.5;
    out[o + 2] = gx + gw * 0.5;
    out[o + 3] = gy + gh * 0.5;
  }
  const shape = options?.maxShape;
  if (shape) {
    for (let i = 0; i < 4 * n; i += 2) {
      out[i] = Math.min(Math.max(out[i], 0), shape[1]);
      out[i + 1] = Math.min(Math.max(out[i + 1], 0), shape[0]);
    }
  }
  return out;
}

/** Tensor version of {@link encodeDeltas}: `[K,4]`, `[K,4]` → `[K,4]` (differentiable). */
export function encodeDeltasTensor(proposals: tf.Tensor2D, gts: tf.Tensor2D, options?: DeltaCoderOptions): tf.Tensor2D {
  assertBoxTensor(proposals.shape, 'encodeDeltasTensor(proposals)');
  assertBoxTensor(gts.shape, 'encodeDeltasTensor(gts)');
  const { means, stds } = resolve(options);
  return tf.tidy(() => {
    const [px1, py1, px2, py2] = tf.unstack(proposals, 1);
    const [gx1, gy1, gx2, gy2] = tf.unstack(gts, 1);
    const pw = px2.sub(px1);
    const ph = py2.sub(py1);
    const dx = gx1.add(gx2).sub(px1.add(px2)).mul(0.5).div(pw);
    const dy = gy1.add(gy2).sub(py1.add(py2)).mul(0.5).div(ph);
    const dw = tf.log(gx2.sub(gx1).div(pw));
    const dh = tf.log(gy2.sub(gy1).div(ph));
    return tf
      .stack([dx, dy, dw, dh], 1)
      .sub(tf.tensor1d([...means]))
      .div(tf.tensor1d([...stds])) as tf.Tensor2D;
  });
}

/** Tensor version of {@link decodeDeltas} (differentiable in deltas and anchors; no clipping). */
export function decodeDeltasTensor(
  anchors: tf.Tensor2D,
  deltas: tf.Tensor2D,
  options?: DeltaCoderOptions,
): tf.Tensor2D {
  assertBoxTensor(anchors.shape, 'decodeDeltasTensor(anchors)');
  assertBoxTensor(deltas.shape, 'decodeDeltasTensor(deltas)');
  const { means, stds, clamp } = resolve(options);
  return tf.tidy(() => {
    const d = deltas.mul(tf.tensor1d([...stds])).add(tf.tensor1d([...means]));
    const [dx, dy, dwRaw, dhRaw] = tf.unstack(d, 1);
    const [ax1, ay1, ax2, ay2] = tf.unstack(anchors, 1);
    const pw = ax2.sub(ax1);
    const ph = ay2.sub(ay1);
    const gx = ax1.add(ax2).mul(0.5).add(pw.mul(dx));
    const gy = ay1.add(ay2).mul(0.5).add(ph.mul(dy));
    const halfW = pw.mul(tf.exp(tf.clipByValue(dwRaw, -clamp, clamp))).mul(0.5);
    const halfH = ph.mul(tf.exp(tf.clipByValue(dhRaw, -clamp, clamp))).mul(0.5);
    return tf.stack([gx.sub(halfW), gy.sub(halfH), gx.add(halfW), gy.add(halfH)], 1) as tf.Tensor2D;
  });
}
