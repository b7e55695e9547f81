/**
 * StridedSlice gradient (tfjs has none). tfjs's own slice_util.sliceInfo resolves the masks,
 * ellipsis and new axes into a dense per-input-dimension begin/end/stride; with
 * n = ⌈(end − begin) / stride⌉ per dimension, element k of the [n…] block is x[begin + k·stride].
 * The gradient puts dy back there: a pad when every stride is 1, a scatterND of the index grid
 * otherwise (no duplicates).
 */
import * as tf from '@tensorflow/tfjs';
import { replaceGradient } from './registry.js';

interface StridedSliceAttrs {
  begin: number[];
  end: number[];
  strides: number[];
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
}

function stridedSliceGrad(dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) {
  const [x] = saved;
  const a = attrs as unknown as StridedSliceAttrs;
  return {
    x: () =>
      tf.tidy(() => {
        const info = tf.slice_util.sliceInfo(
          x.shape,
          a.begin,
          a.end,
          a.strides,
          a.beginMask,
          a.endMask,
          a.ellipsisMask,
          a.newAxisMask,
          a.shrinkAxisMask,
        );
        // One entry per input dimension (finalShapeSparse drops shrunk axes; this keeps them as 1).
        const shape = info.begin.map((b, i) => Math.max(0, Math.ceil((info.end[i] - b) / info.strides[i])));
        const d = tf.reshape(dy as tf.Tensor, shape);
        if (shape.some((n) => n === 0)) return tf.zeros(x.shape);
        if (info.strides.every((s) => s === 1)) {
          return tf.pad(
            d,
            x.shape.map((n, i) => [info.begin[i], n - info.begin[i] - shape[i]] as [number, number]),
          );
        }
        const coords = shape.map((n, i) => {
          const along = tf.add(
            tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(info.strides[i], 'int32')),
            tf.scalar(info.begin[i], 'int32'),
          );
          const view = shape.map((_, j) => (j === i ? n : 1));
          return tf.broadcastTo(tf.reshape(along, view), shape);
        });
        const indices = tf.reshape(tf.stack(coords, shape.length), [-1, shape.length]);
        return tf.scatterND(indices, tf.reshape(d, [-1]), x.shape);
      }),
  };
}

/** Registers the StridedSlice gradient (all backends). */
export function registerStridedSliceGradient(): void {
  replaceGradient({
    kernelName: 'StridedSlice',
    inputsToSave: ['x'],
    gradFunc: stridedSliceGrad,
  });
}
