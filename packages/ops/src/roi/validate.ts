import type * as tf from '@tensorflow/tfjs';
import type { RoiAlignOptions } from './roi-taps.js';

/** Throws unless `t` has the given rank; `what` names the argument in the message. */
export function requireRank(op: string, what: string, t: tf.Tensor, rank: number, layout: string): void {
  if (t.rank !== rank) {
    throw new Error(`${op}: ${what} must be rank ${rank} ${layout}, got shape [${t.shape.join(',')}]`);
  }
}

/** Checks outputSize, spatialScale, samplingRatio and aligned. */
export function validateRoiAlignOptions(op: string, o: RoiAlignOptions, checkScale = true): void {
  const [oh, ow] = o.outputSize ?? [];
  if (!Number.isInteger(oh) || !Number.isInteger(ow) || oh < 1 || ow < 1) {
    throw new Error(`${op}: outputSize must be two positive integers, got ${JSON.stringify(o.outputSize)}`);
  }
  if (checkScale && !(Number.isFinite(o.spatialScale) && o.spatialScale > 0)) {
    throw new Error(`${op}: spatialScale must be a positive number, got ${o.spatialScale}`);
  }
  if (!Number.isInteger(o.samplingRatio) || o.samplingRatio < 0) {
    throw new Error(`${op}: samplingRatio must be an integer >= 0 (0 = adaptive), got ${o.samplingRatio}`);
  }
  if (typeof o.aligned !== 'boolean') throw new Error(`${op}: aligned must be a boolean, got ${String(o.aligned)}`);
}

/** One RoI row of a [K,5] tensor: integer batch index and finite box. */
export interface RoiRow {
  readonly batch: number;
  readonly box: [number, number, number, number];
}

/**
 * RoIs `(batchIndex, x1, y1, x2, y2)`: a `[K, 5]` tensor, or the same K·5 numbers row by row in
 * a host `Float32Array` (RoIs made on the host, e.g. proposals after host-side NMS: passing them
 * as an array saves reading back a tensor that was just uploaded).
 */
export type RoiInput = tf.Tensor2D | Float32Array;

/**
 * Reads [K,5] RoIs `(batchIndex, x1, y1, x2, y2)` to the CPU (RoIs are not differentiated; a
 * host array is used as it is, with no device read) and checks each row, naming the first bad one.
 */
export function readRois(op: string, rois: RoiInput, numImages: number): RoiRow[] {
  let data: ArrayLike<number>;
  let k: number;
  if (rois instanceof Float32Array) {
    if (rois.length % 5 !== 0) {
      throw new Error(
        `${op}: host rois must hold K·5 numbers (batchIndex, x1, y1, x2, y2 per row), got ${rois.length}`,
      );
    }
    data = rois;
    k = rois.length / 5;
  } else {
    requireRank(op, 'rois', rois, 2, '[K,5] = (batchIndex, x1, y1, x2, y2)');
    if (rois.shape[1] !== 5) {
      throw new Error(`${op}: rois must be [K,5] = (batchIndex, x1, y1, x2, y2), got shape [${rois.shape.join(',')}]`);
    }
    data = rois.dataSync();
    k = rois.shape[0];
  }
  const out: RoiRow[] = [];
  for (let i = 0; i < k; i++) {
    const row = Array.from({ length: 5 }, (_, j) => data[5 * i + j]);
    const [batch, x1, y1, x2, y2] = row;
    if (!Number.isInteger(batch) || batch < 0 || batch >= numImages) {
      throw new Error(`${op}: rois[${i}] has batch index ${batch}, expected an integer in [0, ${numImages - 1}]`);
    }
    if (!row.every(Number.isFinite))
      throw new Error(`${op}: rois[${i}] has a non-finite coordinate: [${row.join(', ')}]`);
    out.push({ batch, box: [x1, y1, x2, y2] });
  }
  return out;
}
