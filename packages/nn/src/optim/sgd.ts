import * as tf from '@tensorflow/tfjs';
import { Optimizer } from './optimizer.js';
import type { ParamGroup } from './param-groups.js';

export interface SgdOptions {
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
}

/**
 * SGD with momentum and L2 weight decay, PyTorch semantics (torch.optim.SGD):
 *   d = g + wd·p;  buf = d (first step) else momentum·buf + (1 − dampening)·d;
 *   d = nesterov ? d + momentum·buf : buf;  p ← p − lr·d.
 * Weight decay is added to the gradient *before* momentum (unlike decoupled AdamW).
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;

  constructor(groups: ParamGroup[], options: SgdOptions = {}) {
    super(groups, 'sgd');
    this.momentum = options.momentum ?? 0;
    this.dampening = options.dampening ?? 0;
    this.nesterov = options.nesterov ?? false;
  }

  protected update(
    name: string,
    param: tf.Variable,
    grad: tf.Tensor,
    lr: number,
    weightDecay: number,
    step: number,
  ): void {
    let d = weightDecay !== 0 ? tf.add(grad, tf.mul(param, weightDecay)) : grad;
    if (this.momentum !== 0) {
      const buf = this.slot(name, 'momentum_buffer', param);
      const next = step === 1 ? d : tf.add(tf.mul(buf, this.momentum), tf.mul(d, 1 - this.dampening));
      buf.assign(next);
      d = this.nesterov ? tf.add(d, tf.mul(next, this.momentum)) : next;
    }
    param.assign(tf.sub(param, tf.mul(d, lr)));
  }

  protected hyperParameters(): Record<string, unknown> {
    return { momentum: this.momentum, dampening: this.dampening, nesterov: this.nesterov };
  }
}
