/**
 * Unit-anchor decoding used by the Parameterized AP anchor heads (docs/spec/paper-spec.md §9.1,
 * `paploss_retina_head.py` lines 256–279). Both predicted and target deltas are decoded
 * relative to a unit anchor centred at 0 (width = height = 1) with the hard-coded stds
 * [0.1, 0.1, 0.2, 0.2] and means 0:
 *
 *   cx = 0.1·dx,  cy = 0.1·dy,  w = exp(clamp(0.2·dw, ±4.135166556742356)),  h likewise;
 *   box = (cx − w/2, cy − h/2, cx + w/2, cy + h/2).
 *
 * IoU/GIoU are invariant to per-axis affine maps, so IoU of two such boxes equals the IoU of
 * the same deltas decoded on the real anchor (without image clipping).
 */
import * as tf from '@tensorflow/tfjs';
import { assertBoxTensor, boxCount } from './types.js';

/** |ln(16/1000)|, the clamp the PAP head hard-codes. */
export const UNIT_ANCHOR_WH_CLAMP = 4.135166556742356;
const STDS = [0.1, 0.1, 0.2, 0.2] as const;

/** Decodes `[K,4]` deltas on the unit anchor → `[K,4]` xyxy boxes (differentiable). */
export function decodeUnitAnchor(deltas: tf.Tensor2D): tf.Tensor2D {
  assertBoxTensor(deltas.shape, 'decodeUnitAnchor');
  return tf.tidy(() => {
    const [dx, dy, dw, dh] = tf.unstack(deltas, 1);
    const cx = dx.mul(STDS[0]);
    const cy = dy.mul(STDS[1]);
    const halfW = tf.exp(tf.clipByValue(dw.mul(STDS[2]), -UNIT_ANCHOR_WH_CLAMP, UNIT_ANCHOR_WH_CLAMP)).mul(0.5);
    const halfH = tf.exp(tf.clipByValue(dh.mul(STDS[3]), -UNIT_ANCHOR_WH_CLAMP, UNIT_ANCHOR_WH_CLAMP)).mul(0.5);
    return tf.stack([cx.sub(halfW), cy.sub(halfH), cx.add(halfW), cy.add(halfH)], 1) as tf.Tensor2D;
  });
}

/** Typed-array version of {@link decodeUnitAnchor} (flat deltas → flat xyxy, float64). */
export function decodeUnitAnchorTyped(deltas: ArrayLike<number>): Float64Array {
  const n = boxCount(deltas, 'decodeUnitAnchorTyped');
  const out = new Float64Array(4 * n);
  const clampLog = (v: number) => Math.min(Math.max(v, -UNIT_ANCHOR_WH_CLAMP), UNIT_ANCHOR_WH_CLAMP);
  for (let o = 0; o < 4 * n; o += 4) {
    const cx = STDS[0] * deltas[o];
    const cy = STDS[1] * deltas[o + 1];
    const halfW = Math.exp(clampLog(STDS[2] * deltas[o + 2])) / 2;
    const halfH = Math.exp(clampLog(STDS[3] * deltas[o + 3])) / 2;
    out[o] = cx - halfW;
    out[o + 1] = cy - halfH;
    out[o + 2] = cx + halfW;
    out[o + 3] = cy + halfH;
  }
  return out;
}
