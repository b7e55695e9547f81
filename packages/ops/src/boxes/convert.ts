/**
 * Box format conversions.
 *
 * - `xyxy`   = (x1, y1, x2, y2), corners; width = x2 − x1 (no "+1": mmdet v2 / torchvision).
 * - `xywh`   = (x1, y1, w, h), the COCO annotation format.
 * - `cxcywh` = (cx, cy, w, h), the DETR prediction format.
 *
 * Typed-array versions return a new Float64Array; tensor versions are differentiable.
 */
import * as tf from '@tensorflow/tfjs';
import { assertBoxTensor, boxCount } from './types.js';

export type BoxFormat = 'xyxy' | 'xywh' | 'cxcywh';

type Mapper = (a: number, b: number, c: number, d: number, out: Float64Array, o: number) => void;

const MAPPERS: Record<string, Mapper> = {
  'xyxy>xywh': (x1, y1, x2, y2, out, o) => {
    out[o] = x1;
    out[o + 1] = y1;
    out[o + 2] = x2 - x1;
    out[o + 3] = y2 - y1;
  },
  'xywh>xyxy': (x, y, w, h, out, o) => {
    out[o] = x;
    out[o + 1] = y;
    out[o + 2] = x + w;
    out[o + 3] = y + h;
  },
  'xyxy>cxcywh': (x1, y1, x2, y2, out, o) => {
    out[o] = (x1 + x2) / 2;
    out[o + 1] = (y1 + y2) / 2;
    out[o + 2] = x2 - x1;
    out[o + 3] = y2 - y1;
  },
  'cxcywh>xyxy': (cx, cy, w, h, out, o) => {
    out[o] = cx - w / 2;
    out[o + 1] = cy - h / 2;
    out[o + 2] = cx + w / 2;
    out[o + 3] = cy + h / 2;
  },
  'xywh>cxcywh': (x, y, w, h, out, o) => {
    out[o] = x + w / 2;
    out[o + 1] = y + h / 2;
    out[o + 2] = w;
    out[o + 3] = h;
  },
  'cxcywh>xywh': (cx, cy, w, h, out, o) => {
    out[o] = cx - w / 2;
    out[o + 1] = cy - h / 2;
    out[o + 2] = w;
    out[o + 3] = h;
  },
};

/** Converts a flat box array between formats (returns a copy even when `from === to`). */
export function convertBoxes(boxes: ArrayLike<number>, from: BoxFormat, to: BoxFormat): Float64Array {
  const n = boxCount(boxes, 'convertBoxes');
  const out = new Float64Array(n * 4);
  if (from === to) {
    out.set(boxes);
    return out;
  }
  const map = MAPPERS[`${from}>${to}`];
  for (let i = 0; i < n; i++) {
    const o = 4 * i;
    map(boxes[o], boxes[o + 1], boxes[o + 2], boxes[o + 3], out, o);
  }
  return out;
}

/** Tensor version of {@link convertBoxes}: `[N, 4]` → `[N, 4]`, differentiable. */
export function convertBoxesTensor(boxes: tf.Tensor2D, from: BoxFormat, to: BoxFormat): tf.Tensor2D {
  assertBoxTensor(boxes.shape, 'convertBoxesTensor');
  if (from === to) return boxes.clone();
  return tf.tidy(() => {
    const xyxy = from === 'xyxy' ? boxes : toXyxyTensor(boxes, from);
    return to === 'xyxy' ? xyxy : fromXyxyTensor(xyxy, to);
  });
}

function toXyxyTensor(boxes: tf.Tensor2D, from: 'xywh' | 'cxcywh'): tf.Tensor2D {
  const [a, b, w, h] = tf.split(boxes, 4, 1);
  if (from === 'xywh') return tf.concat([a, b, a.add(w), b.add(h)], 1) as tf.Tensor2D;
  const hw = w.div(2);
  const hh = h.div(2);
  return tf.concat([a.sub(hw), b.sub(hh), a.add(hw), b.add(hh)], 1) as tf.Tensor2D;
}

function fromXyxyTensor(boxes: tf.Tensor2D, to: 'xywh' | 'cxcywh'): tf.Tensor2D {
  const [x1, y1, x2, y2] = tf.split(boxes, 4, 1);
  const w = x2.sub(x1);
  const h = y2.sub(y1);
  if (to === 'xywh') return tf.concat([x1, y1, w, h], 1) as tf.Tensor2D;
  return tf.concat([x1.add(x2).div(2), y1.add(y2).div(2), w, h], 1) as tf.Tensor2D;
}
