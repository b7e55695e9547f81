import { writeCanvasInto, type Sample, type SampleMeta } from '../transforms/sample.js';

/** A training or evaluation batch, ready to become tensors. */
export interface Batch {
  /** [N, H, W, 3] float32, each image at the top-left, padding = `padValue`. */
  images: Float32Array;
  /** [N, H, W] 1 where the pixel belongs to the image, 0 on padding. */
  masks: Uint8Array;
  shape: [number, number, number, number];
  /** Per image: (x1, y1, x2, y2) rows in batch pixel coordinates. */
  boxes: Float32Array[];
  /** Per image: contiguous class labels, one per box. */
  labels: Int32Array[];
  /** Per image: crowd boxes to ignore. */
  ignoreBoxes: Float32Array[];
  metas: SampleMeta[];
  /** Where this batch is in the run; resume after it with {@link nextPosition}. */
  position: LoaderPosition;
}

/** (epoch, step): the batch `step` (0-based) of epoch `epoch`. Checkpoints store the next one. */
export interface LoaderPosition {
  epoch: number;
  step: number;
}

/**
 * Stacks samples into one padded batch: the batch size is the largest canvas rounded up to
 * `sizeDivisor`, images are written at the top-left, the rest is `padValue`, and the mask
 * marks each image's valid (unpadded) pixels.
 */
export function collate(samples: Sample[], position: LoaderPosition, sizeDivisor = 32, padValue = 0): Batch {
  let height = 0;
  let width = 0;
  for (const s of samples) {
    height = Math.max(height, s.image.height);
    width = Math.max(width, s.image.width);
  }
  height = Math.ceil(height / sizeDivisor) * sizeDivisor;
  width = Math.ceil(width / sizeDivisor) * sizeDivisor;
  const n = samples.length;
  const plane = height * width;
  const images = new Float32Array(n * plane * 3);
  if (padValue !== 0) images.fill(padValue);
  const masks = new Uint8Array(n * plane);
  for (let k = 0; k < n; k++) {
    const s = samples[k];
    writeCanvasInto(s.image, images, width, height, k * plane * 3);
    const validW = Math.min(s.meta.validWidth, width);
    const validH = Math.min(s.meta.validHeight, height);
    for (let y = 0; y < validH; y++) masks.fill(1, k * plane + y * width, k * plane + y * width + validW);
  }
  return {
    images,
    masks,
    shape: [n, height, width, 3],
    boxes: samples.map((s) => s.boxes),
    labels: samples.map((s) => s.labels),
    ignoreBoxes: samples.map((s) => s.ignoreBoxes),
    metas: samples.map((s) => s.meta),
    position,
  };
}

/** The position after `position` in an epoch of `stepsPerEpoch` batches. */
export function nextPosition(position: LoaderPosition, stepsPerEpoch: number): LoaderPosition {
  return position.step + 1 >= stepsPerEpoch
    ? { epoch: position.epoch + 1, step: 0 }
    : { epoch: position.epoch, step: position.step + 1 };
}
