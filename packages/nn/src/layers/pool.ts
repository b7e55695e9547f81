import * as tf from '@tensorflow/tfjs';
import { Module } from '../module.js';

export interface MaxPool2dOptions {
  kernelSize: number;
  stride?: number;
  /** Symmetric PyTorch padding (with −∞, so padded cells never win). Default 0. */
  padding?: number;
}

/**
 * Max pooling with PyTorch semantics. torchvision's stem pool is 3×3, stride 2, padding 1:
 * PyTorch pads one cell on every side, whereas TF 'same' on an even input pads only the
 * bottom/right, which shifts every window by one pixel. We therefore pad explicitly with −∞
 * and pool 'valid'.
 */
export class MaxPool2d extends Module {
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;

  constructor(options: MaxPool2dOptions) {
    super();
    this.kernelSize = options.kernelSize;
    this.stride = options.stride ?? options.kernelSize;
    this.padding = options.padding ?? 0;
  }

  forward(x: tf.Tensor): tf.Tensor4D {
    const p = this.padding;
    const padded =
      p === 0
        ? x
        : tf.pad(
            x,
            [
              [0, 0],
              [p, p],
              [p, p],
              [0, 0],
            ],
            -Infinity,
          );
    return tf.maxPool(padded as tf.Tensor4D, this.kernelSize, this.stride, 'valid');
  }
}
