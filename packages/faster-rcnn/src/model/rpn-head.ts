/**
 * The RPN head (Ren et al. 2015; mmdet `RPNHead`, torchvision `RPNHead`): a 3×3 conv + ReLU shared
 * by a 1×1 objectness conv (A logits) and a 1×1 delta conv (4A), applied to every pyramid level
 * with the same weights. Parameter names follow mmdet (`rpn_conv`, `rpn_cls`, `rpn_reg`).
 */
import * as tf from '@tensorflow/tfjs';
import { Conv2d, Module, constant, normal } from '@apdet/nn';

export interface RpnHeadOptions {
  inChannels: number;
  /** Channels of the shared 3×3 conv. */
  channels: number;
  /** A, anchors per location. */
  numAnchors: number;
  /** Initial objectness bias: 0 (mmdet, torchvision) or the loss's prior bias (the PAP RPN, paper-spec §9.2). */
  clsBias: number;
}

/** Raw RPN outputs of all levels, flattened in the anchor generator's order. */
export interface RpnOutput {
  /** `[B, T]` objectness logits (one sigmoid "object" class). */
  logits: tf.Tensor2D;
  /** `[B, T, 4]` deltas. */
  deltas: tf.Tensor3D;
}

/** See the module comment. Init N(0, 0.01), bias 0 (mmdet `RPNHead.init_weights`) except the objectness prior. */
export class RpnHead extends Module {
  readonly rpnConv: Conv2d;
  readonly rpnCls: Conv2d;
  readonly rpnReg: Conv2d;
  readonly numAnchors: number;

  constructor(o: RpnHeadOptions) {
    super();
    this.numAnchors = o.numAnchors;
    const conv = (inC: number, outC: number, kernelSize: number, bias: number) =>
      new Conv2d({
        inChannels: inC,
        outChannels: outC,
        kernelSize,
        padding: Math.floor(kernelSize / 2),
        weightInit: normal(0.01),
        biasInit: constant(bias),
      });
    this.rpnConv = this.child('rpn_conv', conv(o.inChannels, o.channels, 3, 0));
    this.rpnCls = this.child('rpn_cls', conv(o.channels, o.numAnchors, 1, o.clsBias));
    this.rpnReg = this.child('rpn_reg', conv(o.channels, o.numAnchors * 4, 1, 0));
  }

  /**
   * Applies the head to every level. NHWC `[B, H, W, A]` → `[B, H·W·A]` is exactly the anchor
   * order ((y·W + x)·A + a), level after level.
   */
  forward(features: readonly tf.Tensor4D[]): RpnOutput {
    const logits: tf.Tensor2D[] = [];
    const deltas: tf.Tensor3D[] = [];
    for (const f of features) {
      const [b, h, w] = f.shape;
      const x = tf.relu(this.rpnConv.forward(f));
      logits.push(tf.reshape(this.rpnCls.forward(x), [b, h * w * this.numAnchors]));
      deltas.push(tf.reshape(this.rpnReg.forward(x), [b, h * w * this.numAnchors, 4]));
    }
    return { logits: tf.concat(logits, 1), deltas: tf.concat(deltas, 1) };
  }
}
