import { Rng } from '../rng.js';

/** Random stream ids, so shuffling never shares a stream with sample augmentation. */
export const STREAM_SHUFFLE = 0x5348;
export const STREAM_SAMPLE = 0x5341;

export interface EpochPlanOptions {
  length: number;
  batchSize: number;
  seed: number;
  epoch: number;
  shuffle: boolean;
  dropLast: boolean;
  /** When given, batches hold only images on the same side of aspect ratio 1 (mmdetection's GroupSampler). */
  aspectRatios?: (index: number) => number;
}

/**
 * The batches of one epoch as lists of dataset indices, a pure function of its options:
 * seeded by (seed, epoch), so a run resumed at (epoch, step) sees the same batches.
 */
export function planEpoch(options: EpochPlanOptions): number[][] {
  const { length, batchSize, seed, epoch, shuffle, dropLast, aspectRatios } = options;
  if (!(Number.isInteger(batchSize) && batchSize > 0))
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const rng = Rng.from(seed, epoch, STREAM_SHUFFLE);
  const indices = Array.from({ length }, (_, i) => i);
  if (aspectRatios === undefined) {
    if (shuffle) rng.shuffle(indices);
    return chunk(indices, batchSize, dropLast);
  }
  const wide = indices.filter((i) => aspectRatios(i) >= 1);
  const tall = indices.filter((i) => aspectRatios(i) < 1);
  if (shuffle) {
    rng.shuffle(wide);
    rng.shuffle(tall);
  }
  const batches = [...chunk(wide, batchSize, dropLast), ...chunk(tall, batchSize, dropLast)];
  return shuffle ? rng.shuffle(batches) : batches;
}

function chunk(indices: number[], size: number, dropLast: boolean): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < indices.length; i += size) {
    const batch = indices.slice(i, i + size);
    if (batch.length < size && dropLast) break;
    out.push(batch);
  }
  return out;
}
