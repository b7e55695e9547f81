/**
 * The RoI box head (mmdet `Shared2FCBBoxHead`, torchvision `TwoMLPHead` + `FastRCNNPredictor`): the
 * pooled RoI features flattened, two shared FC layers + ReLU, then a classifier and class-specific
 * box deltas. Parameter names follow mmdet (`shared_fcs.0/1`, `fc_cls`, `fc_reg`).
 */
import * as tf from '@tensorflow/tfjs';
import { Linear, Module, ModuleList, constant, normal } from '@apdet/nn';

export interface BBoxHeadOptions {
  /** Flattened pooled features per RoI: outputSize² · channels. */
  inFeatures: number;
  /** Width of the two shared FC layers. */
  fcChannels: number;
  /** K, classifier outputs: `loss.numLogits('roi', C)` (C sigmoid, or C + 1 softmax with background last). */
  numLogits: number;
  /** C, foreground classes: `fc_reg` has C·4 outputs (class-specific, no background slot, mmdet). */
  numClasses: number;
}

/** Outputs of the box head for K RoIs. */
export interface BBoxHeadOutput {
  /** `[K, numLogits]`. */
  logits: tf.Tensor2D;
  /** `[K, C·4]`: the deltas of class c in columns 4c … 4c + 3. */
  deltas: tf.Tensor2D;
}

/**
 * See the module comment. Init (mmdet `ConvFCBBoxHead`/`BBoxHead.init_weights`): shared FCs Xavier
 * uniform, bias 0; `fc_cls` N(0, 0.01), bias 0 (no prior: the PAP RoI head keeps it 0, paper-spec
 * §9.2); `fc_reg` N(0, 0.001), bias 0.
 */
export class BBoxHead extends Module {
  readonly sharedFcs: ModuleList<Linear>;
  readonly fcCls: Linear;
  readonly fcReg: Linear;
  readonly numClasses: number;

  constructor(o: BBoxHeadOptions) {
    super();
    this.numClasses = o.numClasses;
    this.sharedFcs = this.child('shared_fcs', new ModuleList<Linear>());
    this.sharedFcs.add(new Linear({ inFeatures: o.inFeatures, outFeatures: o.fcChannels }));
    this.sharedFcs.add(new Linear({ inFeatures: o.fcChannels, outFeatures: o.fcChannels }));
    const head = (outFeatures: number, std: number) =>
      new Linear({ inFeatures: o.fcChannels, outFeatures, weightInit: normal(std), biasInit: constant(0) });
    this.fcCls = this.child('fc_cls', head(o.numLogits, 0.01));
    this.fcReg = this.child('fc_reg', head(o.numClasses * 4, 0.001));
  }

  /**
   * `[K, oh, ow, C]` pooled NHWC features → logits and deltas. The flattening order is (y, x,
   * channel); mmdet flattens NCHW (channel, y, x), so importing mmdet weights into `shared_fcs.0`
   * would need its rows permuted.
   */
  forward(pooled: tf.Tensor4D): BBoxHeadOutput {
    const [k, oh, ow, c] = pooled.shape;
    let x: tf.Tensor = tf.reshape(pooled, [k, oh * ow * c]);
    for (const fc of this.sharedFcs.items) x = tf.relu(fc.forward(x));
    return { logits: this.fcCls.forward(x) as tf.Tensor2D, deltas: this.fcReg.forward(x) as tf.Tensor2D };
  }
}

/**
 * The deltas of each RoI's own class: `[K, C·4]` and labels `[K]` (class in [0, C), anything else
 * for a background or ignored RoI) → `[K, 4]`, zeros where the label is not a class. A one-hot
 * mask and a sum over classes rather than a gather: differentiable with the stock kernels of every
 * backend, and K·C·4 multiplications are negligible next to the FC layers.
 *
 * @example
 * classSpecificDeltas(deltas, tf.tensor1d([2, 0], 'int32'), 3); // rows: columns 8–11 of RoI 0, 0–3 of RoI 1
 */
export function classSpecificDeltas(deltas: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => {
    const k = deltas.shape[0];
    const isClass = tf.logicalAnd(tf.greaterEqual(labels, 0), tf.less(labels, numClasses));
    // tf.oneHot needs depth ≥ 2; a single class takes the first column of a depth-2 one-hot.
    const depth = Math.max(numClasses, 2);
    const wide = tf.oneHot(tf.clipByValue(labels, 0, numClasses - 1).toInt() as tf.Tensor1D, depth).toFloat();
    const columns = depth === numClasses ? wide : tf.slice(wide, [0, 0], [k, numClasses]);
    const mask = tf.mul(columns, tf.expandDims(isClass.toFloat(), 1));
    return tf.sum(tf.mul(tf.reshape(deltas, [k, numClasses, 4]), tf.expandDims(mask, 2)), 1) as tf.Tensor2D;
  });
}
