import * as tf from '@tensorflow/tfjs';
import { Module, type Parameter } from '../module.js';
import { constant, xavierUniform, type Initializer } from '../init.js';

export interface LinearOptions {
  inFeatures: number;
  outFeatures: number;
  bias?: boolean;
  /** Default xavier uniform. */
  weightInit?: Initializer;
  biasInit?: Initializer;
}

/**
 * y = x W + b over the last axis of x (any rank ≥ 1). W is stored [in, out] (tagged `linear-io`;
 * PyTorch stores [out, in]) so the product needs no transposed matMul, which is slow on wasm.
 */
export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(options: LinearOptions) {
    super();
    const shape = [options.inFeatures, options.outFeatures];
    this.weight = this.param('weight', (options.weightInit ?? xavierUniform())(shape), {
      role: 'weight',
      layout: 'linear-io',
    });
    this.bias =
      options.bias === false
        ? null
        : this.param('bias', (options.biasInit ?? constant(0))([options.outFeatures]), { role: 'bias' });
  }

  forward(x: tf.Tensor): tf.Tensor {
    const [inF, outF] = this.weight.shape;
    const lead = x.shape.slice(0, -1);
    if (x.shape[x.shape.length - 1] !== inF) {
      throw new Error(`Linear: expected last dimension ${inF}, got input shape [${x.shape.join(', ')}]`);
    }
    let y: tf.Tensor = tf.matMul(x.reshape([-1, inF]) as tf.Tensor2D, this.weight.variable);
    if (this.bias) y = tf.add(y, this.bias.variable);
    return y.reshape([...lead, outF]);
  }
}
