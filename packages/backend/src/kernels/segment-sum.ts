/**
 * `UnsortedSegmentSum` as a scatterND, for the wasm backend (missing there; cpu has it) and
 * the webgpu backend (its 4.22.0 shader adds id `s` at `s % numSegments`, so an id past the
 * end lands in a wrong segment instead of being dropped).
 * TF semantics: out[s] = Σ_{i: ids[i] = s} x[i, ...]; ids outside [0, numSegments) are dropped.
 */
import * as tf from '@tensorflow/tfjs';
import { replaceKernel } from './registry.js';

function unsortedSegmentSumKernel({
  inputs,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
}): tf.Tensor {
  const x = inputs.x as tf.Tensor;
  const segmentIds = inputs.segmentIds as tf.Tensor;
  const numSegments = (attrs as { numSegments: number }).numSegments;
  return tf.tidy(() => {
    const idRank = segmentIds.rank;
    const rows = segmentIds.size;
    const inner = x.shape.slice(idRank);
    const ids = tf.reshape(segmentIds, [rows]).toInt();
    // Out-of-range ids contribute nothing: route them to an extra segment that is sliced off.
    const inRange = tf.logicalAnd(tf.greaterEqual(ids, 0), tf.less(ids, numSegments));
    const routed = tf.where(inRange, ids, tf.fill([rows], numSegments, 'int32'));
    const updates = tf.reshape(x, [rows, ...inner]);
    const summed = tf.scatterND(tf.reshape(routed, [rows, 1]), updates, [numSegments + 1, ...inner]);
    return tf.slice(summed, 0, numSegments);
  });
}

/** Registers UnsortedSegmentSum on wasm (only while tfjs has none there). */
export function registerSegmentSum(): void {
  const existing = tf.getKernel('UnsortedSegmentSum', 'wasm');
  if (existing == null || existing.kernelFunc === unsortedSegmentSumKernel) {
    replaceKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSumKernel });
  }
}

/** Replaces the webgpu UnsortedSegmentSum (wrong for out-of-range ids, see above). */
export function registerWebgpuSegmentSum(): void {
  replaceKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'webgpu', kernelFunc: unsortedSegmentSumKernel });
}
