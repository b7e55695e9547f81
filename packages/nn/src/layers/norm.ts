import * as tf from '@tensorflow/tfjs';
import { Module, type Parameter } from '../module.js';
import { constant } from '../init.js';

/** Options shared by the normalisation layers. */
export interface NormOptions {
  /** Default 1e-5 (PyTorch's default for every norm layer here). */
  eps?: number;
  /** Whether the affine scale/shift are trained. Default true. */
  affineTrainable?: boolean;
}

/** Common parts: `weight` (scale, init 1) and `bias` (shift, init 0) over the channel axis. */
abstract class AffineNorm extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter;
  readonly eps: number;

  constructor(
    readonly channels: number,
    options: NormOptions = {},
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    [this.weight, this.bias] = this.registerAffine(channels, options.affineTrainable ?? true);
  }

  private registerAffine(c: number, trainable: boolean): [Parameter, Parameter] {
    return [
      this.param('weight', constant(1)([c]), { role: 'norm', trainable }),
      this.param('bias', constant(0)([c]), { role: 'norm', trainable }),
    ];
  }

  protected scaleShift(normalized: tf.Tensor): tf.Tensor {
    return tf.add(tf.mul(normalized, this.weight.variable), this.bias.variable);
  }
}

/**
 * BatchNorm with fixed statistics, the detection default (torchvision's FrozenBatchNorm2d,
 * mmdet's `norm_eval=True`): y = x · s + t with s = weight / sqrt(running_var + eps) and
 * t = bias − running_mean · s. The running statistics never change, whatever the mode.
 * `affineTrainable` (default true) lets the scale/shift train, as mmdet's
 * `requires_grad=True, norm_eval=True` does; torchvision freezes them too (pass false).
 */
export class FrozenBatchNorm extends AffineNorm {
  readonly runningMean: Parameter;
  readonly runningVar: Parameter;

  constructor(channels: number, options: NormOptions = {}) {
    super(channels, options);
    this.runningMean = this.param('running_mean', constant(0)([channels]), { role: 'buffer' });
    this.runningVar = this.param('running_var', constant(1)([channels]), { role: 'buffer' });
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const scale = tf.mul(this.weight.variable, tf.rsqrt(tf.add(this.runningVar.variable, this.eps)));
      const shift = tf.sub(this.bias.variable, tf.mul(this.runningMean.variable, scale));
      return tf.add(tf.mul(x, scale), shift);
    });
  }
}

/**
 * BatchNorm over all axes but the last (NHWC or [N, C]). In training mode it normalises with
 * the batch statistics and updates the running ones as PyTorch does (momentum 0.1, unbiased
 * variance in the running estimate); in eval mode it uses the running statistics.
 */
export class BatchNorm extends AffineNorm {
  readonly runningMean: Parameter;
  readonly runningVar: Parameter;
  readonly momentum: number;

  constructor(channels: number, options: NormOptions & { momentum?: number } = {}) {
    super(channels, options);
    this.momentum = options.momentum ?? 0.1;
    this.runningMean = this.param('running_mean', constant(0)([channels]), { role: 'buffer' });
    this.runningVar = this.param('running_var', constant(1)([channels]), { role: 'buffer' });
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (!this.training) {
      return tf.tidy(() => {
        const inv = tf.rsqrt(tf.add(this.runningVar.variable, this.eps));
        return this.scaleShift(tf.mul(tf.sub(x, this.runningMean.variable), inv));
      });
    }
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } = tf.moments(x, axes);
    this.updateRunningStats(mean, variance, x.size / this.channels);
    return this.scaleShift(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.eps))));
  }

  private updateRunningStats(mean: tf.Tensor, variance: tf.Tensor, count: number): void {
    const m = this.momentum;
    const unbiased = count > 1 ? count / (count - 1) : 1;
    // The update is state, not part of the loss: the tape prunes these ops from backprop.
    tf.tidy(() => {
      this.runningMean.variable.assign(tf.add(tf.mul(this.runningMean.variable, 1 - m), tf.mul(mean, m)));
      this.runningVar.variable.assign(tf.add(tf.mul(this.runningVar.variable, 1 - m), tf.mul(variance, m * unbiased)));
    });
  }
}

/**
 * GroupNorm (Wu & He 2018) on NHWC: channels split into `groups` groups, each normalised over
 * (H, W, channels-in-group) per sample, then a per-channel scale/shift.
 */
export class GroupNorm extends AffineNorm {
  constructor(
    readonly groups: number,
    channels: number,
    options: NormOptions = {},
  ) {
    super(channels, options);
    if (channels % groups !== 0) throw new Error(`GroupNorm: ${channels} channels not divisible by ${groups} groups`);
  }

  forward(x: tf.Tensor): tf.Tensor {
    const [n, h, w, c] = x.shape;
    const grouped = x.reshape([n, h, w, this.groups, c / this.groups]);
    const { mean, variance } = tf.moments(grouped, [1, 2, 4], true);
    const normalized = tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, this.eps)));
    return this.scaleShift(normalized.reshape([n, h, w, c]));
  }
}

/** LayerNorm over the last axis (as used in transformers). */
export class LayerNorm extends AffineNorm {
  forward(x: tf.Tensor): tf.Tensor {
    const { mean, variance } = tf.moments(x, -1, true);
    return this.scaleShift(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.eps))));
  }
}
