import * as tf from '@tensorflow/tfjs';

/**
 * Rows `index` of a [rows, C] table: tf.gatherND on the wasm backend, tf.gather elsewhere.
 *
 * Measured (3M floats, rows of 256): wasm Gather 280–360 ms vs GatherNd 17–21 ms (its
 * kernel copies whole rows); cpu Gather 440–590 ms vs GatherNd 1340–1620 ms. Both have a
 * gradient only through @apdet/backend's registerTrainingKernels() on wasm (GatherNd /
 * GatherV2 via scatterND; wasm has no UnsortedSegmentSum for the stock GatherV2 gradient),
 * so the choice changes speed only. On cpu the stock GatherV2 gradient also works (slowly).
 */
export function gatherRows(table: tf.Tensor2D, index: Int32Array): tf.Tensor2D {
  return tf.tidy(() => {
    if (tf.getBackend() === 'wasm') {
      return tf.gatherND(table, tf.tensor2d(index, [index.length, 1], 'int32')) as tf.Tensor2D;
    }
    return tf.gather(table, tf.tensor1d(index, 'int32')) as tf.Tensor2D;
  });
}
