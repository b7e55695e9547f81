/**
 * What every detector trains on and how an image sits in the network input: the batch and
 * geometry types of the detector contract (shared by the data pipeline, the apps and every
 * detector package).
 */
import type * as tf from '@tensorflow/tfjs';

/** The annotations of one image of a batch, in batch (network input) pixel coordinates. */
export interface ImageAnnotations {
  /** Flat xyxy GT boxes (non-crowd). */
  boxes: ArrayLike<number>;
  /** Contiguous class per GT, in [0, C). */
  labels: ArrayLike<number>;
  /** Flat xyxy crowd regions (`iscrowd = 1`): detectors ignore what they cover (if enabled). */
  crowdBoxes?: ArrayLike<number>;
  /** The image's own extent `[height, width]` inside the padded batch. */
  validShape: readonly [number, number];
}

/** A batch as a detector sees it: normalised NHWC images padded to one size, and annotations. */
export interface TrainBatch {
  images: tf.Tensor4D;
  annotations: readonly ImageAnnotations[];
}

/** Where an image sits in the network input: x' = sx·x + tx, y' = sy·y + ty from original coordinates. */
export interface ImageGeometry {
  imageId: number;
  /** The image's extent in the (padded) input, before padding. */
  validHeight: number;
  validWidth: number;
  /** Original → input affine map (identity if absent); `sx < 0` after a horizontal flip. */
  affine?: { sx: number; tx: number; sy: number; ty: number };
  /** Original size: final boxes are clipped to it when given. */
  originalWidth?: number;
  originalHeight?: number;
}
