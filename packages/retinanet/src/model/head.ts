import * as tf from '@tensorflow/tfjs';
import { Conv2d, GroupNorm, Module, ModuleList, constant, normal } from '@apdet/nn';

export interface RetinaHeadOptions {
  inChannels: number;
  /** Tower width. */
  channels: number;
  /** 3×3 conv (+ norm) + ReLU layers per tower. */
  stackedConvs: number;
  norm: 'none' | 'gn';
  /** A, anchors per location. */
  numAnchors: number;
  /** K, classification logits per anchor (C for sigmoid classifiers). */
  numLogits: number;
  /** Initial bias of the classification conv (−log((1−π)/π) for a prior π). */
  clsBias: number;
}

/** One tower layer: 3×3 conv, optional GroupNorm, ReLU (mmdet ConvModule names: `conv`, `gn`). */
class TowerLayer extends Module {
  readonly conv: Conv2d;
  readonly gn: GroupNorm | null;

  constructor(inC: number, outC: number, norm: 'none' | 'gn') {
    super();
    // RetinaNet init: N(0, 0.01) weights, zero bias (no bias before a norm).
    this.conv = this.child(
      'conv',
      new Conv2d({
        inChannels: inC,
        outChannels: outC,
        kernelSize: 3,
        padding: 1,
        bias: norm === 'none',
        weightInit: normal(0.01),
        biasInit: constant(0),
      }),
    );
    this.gn = norm === 'gn' ? this.child('gn', new GroupNorm(Math.min(32, outC), outC)) : null;
  }

  forward(x: tf.Tensor): tf.Tensor {
    const y = this.conv.forward(x);
    return tf.relu(this.gn ? this.gn.forward(y) : y);
  }
}

/**
 * RetinaNet's head (Lin et al. 2017): a classification and a regression tower of
 * `stackedConvs` 3×3 convs, then `retina_cls` (A·K outputs) and `retina_reg` (A·4 outputs),
 * all SHARED across pyramid levels. Parameter names follow mmdet's RetinaHead.
 */
export class RetinaHead extends Module {
  readonly clsConvs: ModuleList<TowerLayer>;
  readonly regConvs: ModuleList<TowerLayer>;
  readonly retinaCls: Conv2d;
  readonly retinaReg: Conv2d;
  readonly numAnchors: number;
  readonly numLogits: number;

  constructor(o: RetinaHeadOptions) {
    super();
    this.numAnchors = o.numAnchors;
    this.numLogits = o.numLogits;
    this.clsConvs = this.child('cls_convs', new ModuleList<TowerLayer>());
    this.regConvs = this.child('reg_convs', new ModuleList<TowerLayer>());
    for (let i = 0; i < o.stackedConvs; i++) {
      const inC = i === 0 ? o.inChannels : o.channels;
      this.clsConvs.add(new TowerLayer(inC, o.channels, o.norm));
      this.regConvs.add(new TowerLayer(inC, o.channels, o.norm));
    }
    const towerOut = o.stackedConvs > 0 ? o.channels : o.inChannels;
    const conv = (outC: number, bias: number) =>
      new Conv2d({
        inChannels: towerOut,
        outChannels: outC,
        kernelSize: 3,
        padding: 1,
        weightInit: normal(0.01),
        biasInit: constant(bias),
      });
    this.retinaCls = this.child('retina_cls', conv(o.numAnchors * o.numLogits, o.clsBias));
    this.retinaReg = this.child('retina_reg', conv(o.numAnchors * 4, 0));
  }

  /**
   * Applies the head to every level and flattens in the anchor generator's order (per level,
   * row-major (y, x), then the A anchors of a location): logits `[B, T, K]`, deltas `[B, T, 4]`.
   */
  forward(features: tf.Tensor4D[]): { logits: tf.Tensor3D; deltas: tf.Tensor3D } {
    const logits: tf.Tensor3D[] = [];
    const deltas: tf.Tensor3D[] = [];
    for (const f of features) {
      const [b, h, w] = f.shape;
      const cls = this.clsConvs.items.reduce((x: tf.Tensor, layer) => layer.forward(x), f);
      const reg = this.regConvs.items.reduce((x: tf.Tensor, layer) => layer.forward(x), f);
      // NHWC [B, H, W, A·K] → [B, H·W·A, K] is exactly the ((y·W + x)·A + a) anchor order.
      logits.push(tf.reshape(this.retinaCls.forward(cls), [b, h * w * this.numAnchors, this.numLogits]));
      deltas.push(tf.reshape(this.retinaReg.forward(reg), [b, h * w * this.numAnchors, 4]));
    }
    return { logits: tf.concat(logits, 1), deltas: tf.concat(deltas, 1) };
  }
}
