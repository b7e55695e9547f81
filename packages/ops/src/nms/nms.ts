/** Tensor entry points (pinned signatures) for NMS; they read the data and run the typed code. */
import type * as tf from '@tensorflow/tfjs';
import { assertBoxTensor } from '../boxes/types.js';
import { batchedNmsTyped, nmsTyped } from './nms-typed.js';

/**
 * Single-class NMS (torchvision `nms` semantics; see {@link nmsTyped}).
 * @param boxes `[N,4]` xyxy. @param scores `[N]`. @returns kept indices, decreasing score.
 */
export function nms(boxes: tf.Tensor2D, scores: tf.Tensor1D, iouThreshold: number): number[] {
  assertBoxTensor(boxes.shape, 'nms(boxes)');
  return nmsTyped(boxes.dataSync(), scores.dataSync(), iouThreshold);
}

/**
 * Class-aware NMS (torchvision `batched_nms` semantics; see {@link batchedNmsTyped}).
 * @param classIds `[N]` integer-valued class ids (any dtype).
 */
export function batchedNms(
  boxes: tf.Tensor2D,
  scores: tf.Tensor1D,
  classIds: tf.Tensor1D,
  iouThreshold: number,
): number[] {
  assertBoxTensor(boxes.shape, 'batchedNms(boxes)');
  return batchedNmsTyped(boxes.dataSync(), scores.dataSync(), classIds.dataSync(), iouThreshold);
}
