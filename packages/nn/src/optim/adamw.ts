import * as tf from '@tensorflow/tfjs';
import { Optimizer } from './optimizer.js';
import type { ParamGroup } from './param-groups.js';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/**
 * AdamW (Loshchilov & Hutter 2019), PyTorch semantics (torch.optim.AdamW, amsgrad off):
 *   p ← p·(1 − lr·wd)                       (decoupled decay)
 *   m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²
 *   p ← p − (lr / (1 − β1^t)) · m / (sqrt(v) / sqrt(1 − β2^t) + eps)
 * t is the parameter's own step count. Defaults β = (0.9, 0.999), eps = 1e-8.
 */
export class AdamW extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;

  constructor(groups: ParamGroup[], options: AdamWOptions = {}) {
    super(groups, 'adamw');
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
  }

  protected update(
    name: string,
    param: tf.Variable,
    grad: tf.Tensor,
    lr: number,
    weightDecay: number,
    step: number,
  ): void {
    const decayed = weightDecay !== 0 ? tf.mul(param, 1 - lr * weightDecay) : param;
    const m = this.slot(name, 'exp_avg', param);
    const v = this.slot(name, 'exp_avg_sq', param);
    m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(grad, 1 - this.beta1)));
    v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.mul(grad, grad), 1 - this.beta2)));
    const stepSize = lr / (1 - this.beta1 ** step);
    const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(1 - this.beta2 ** step)), this.eps);
    param.assign(tf.sub(decayed, tf.mul(tf.div(m, denom), stepSize)));
  }

  protected hyperParameters(): Record<string, unknown> {
    return { beta1: this.beta1, beta2: this.beta2, eps: this.eps };
  }
}
