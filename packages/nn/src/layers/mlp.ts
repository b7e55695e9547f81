import * as tf from '@tensorflow/tfjs';
import { Module, ModuleList } from '../module.js';
import { Linear } from './linear.js';

/**
 * A stack of Linear layers with ReLU between them (none after the last), as DETR's box MLP and
 * the transformer feed-forward block. Layers are named `layers.0`, `layers.1`, … as in DETR.
 */
export class MLP extends Module {
  readonly layers: Linear[];

  constructor(inputDim: number, hiddenDim: number, outputDim: number, numLayers: number) {
    super();
    if (numLayers < 1) throw new Error(`MLP: numLayers must be ≥ 1, got ${numLayers}`);
    const dims = [inputDim, ...Array<number>(numLayers - 1).fill(hiddenDim), outputDim];
    const holder = this.child('layers', new ModuleList());
    this.layers = dims.slice(1).map((out, i) => holder.add(new Linear({ inFeatures: dims[i], outFeatures: out })));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.layers.reduce((h, layer, i) => {
      const y = layer.forward(h);
      return i < this.layers.length - 1 ? tf.relu(y) : y;
    }, x);
  }
}
