import * as tf from '@tensorflow/tfjs';
import { Module, type Parameter } from '../module.js';
import { constant, kaimingUniform, type Initializer } from '../init.js';

/**
 * Padding of a convolution or pooling window.
 * - `'same'` / `'valid'`: TensorFlow semantics. Note that TF 'same' with stride 2 on an even
 *   input puts the extra pixel at the bottom/right only, which does NOT match PyTorch.
 * - a number p: PyTorch's symmetric padding (p pixels on every side), applied explicitly.
 * - `[top, bottom, left, right]`: explicit pads.
 */
export type Padding = 'same' | 'valid' | number | [number, number, number, number];

/** tfjs' conv2d `pad` argument for a {@link Padding}. */
export function toTfPad(
  padding: Padding,
): 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]] {
  if (padding === 'same' || padding === 'valid') return padding;
  const [t, b, l, r] = typeof padding === 'number' ? [padding, padding, padding, padding] : padding;
  if (t === 0 && b === 0 && l === 0 && r === 0) return 'valid';
  return [
    [0, 0],
    [t, b],
    [l, r],
    [0, 0],
  ];
}

export interface Conv2dOptions {
  inChannels: number;
  outChannels: number;
  kernelSize: number;
  stride?: number;
  /** Default 0 ('valid'), as in PyTorch. Use a number for torch-equivalent padding. */
  padding?: Padding;
  /** Default true, as in PyTorch. */
  bias?: boolean;
  /** Weight initialiser; default kaiming uniform a=1. */
  weightInit?: Initializer;
  /** Bias initialiser; default zeros. */
  biasInit?: Initializer;
}

/**
 * 2-D convolution on NHWC tensors with an HWIO kernel (`weight`) and optional `bias`.
 * The parameter layout is tagged `conv-hwio` so the torchvision importer transposes OIHW.
 */
export class Conv2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly stride: number;
  readonly padding: Padding;
  readonly kernelSize: number;
  readonly inChannels: number;
  readonly outChannels: number;
  /** Output shape of the last forward call (used by benchmarks to count FLOPs). */
  lastOutputShape: number[] | null = null;

  constructor(options: Conv2dOptions) {
    super();
    const k = options.kernelSize;
    this.kernelSize = k;
    this.inChannels = options.inChannels;
    this.outChannels = options.outChannels;
    this.stride = options.stride ?? 1;
    this.padding = options.padding ?? 0;
    const shape = [k, k, options.inChannels, options.outChannels];
    this.weight = this.param('weight', (options.weightInit ?? kaimingUniform(1))(shape), {
      role: 'weight',
      layout: 'conv-hwio',
    });
    this.bias =
      options.bias === false
        ? null
        : this.param('bias', (options.biasInit ?? constant(0))([options.outChannels]), { role: 'bias' });
  }

  forward(x: tf.Tensor): tf.Tensor4D {
    const y = tf.conv2d(x as tf.Tensor4D, this.weight.variable as tf.Tensor4D, this.stride, toTfPad(this.padding));
    this.lastOutputShape = y.shape;
    return this.bias ? tf.add(y, this.bias.variable) : y;
  }

  /** Multiply-adds × 2 of the last forward call (0 before the first call). */
  lastForwardFlops(): number {
    if (!this.lastOutputShape) return 0;
    const [n, h, w, c] = this.lastOutputShape;
    return 2 * n * h * w * c * this.kernelSize * this.kernelSize * this.inChannels;
  }
}
