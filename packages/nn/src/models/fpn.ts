import * as tf from '@tensorflow/tfjs';
import { Module, ModuleList } from '../module.js';
import { Conv2d } from '../layers/conv2d.js';
import { constant, kaimingUniform, withInitSeed, xavierUniform, type Initializer } from '../init.js';

/**
 * Extra pyramid levels above the last input level:
 * - `'none'`;
 * - `'maxpool'`: P6 = max_pool(P5, kernel 1, stride 2) (Faster R-CNN; torchvision LastLevelMaxPool,
 *   mmdet `add_extra_convs=False`);
 * - `'p6p7'`: P6 = conv3×3/2(src), P7 = conv3×3/2(ReLU(P6)) (RetinaNet; torchvision
 *   LastLevelP6P7), with src = C5 (`extraFrom: 'c5'`, mmdet `'on_input'`) or P5.
 */
export type FpnExtra = 'none' | 'maxpool' | 'p6p7';

export interface FpnOptions {
  /** Channels of the input levels, lowest level first (e.g. C3–C5 of a ResNet-50: [512, 1024, 2048]). */
  inChannels: number[];
  outChannels: number;
  extra?: FpnExtra;
  /** Source of P6 for `'p6p7'`: the last input (C5) or the last output (P5). Default 'c5'. */
  extraFrom?: 'c5' | 'p5';
  /** ReLU between P6 and P7 (torchvision, RetinaNet paper). Default true; mmdet's RetinaNet uses false. */
  reluBeforeP7?: boolean;
  /** Conv initialiser; default xavier uniform (mmdet). torchvision uses kaiming uniform a=1. */
  init?: 'xavier' | 'kaiming-uniform';
  seed?: number;
}

/**
 * Feature Pyramid Network (Lin et al. 2017): 1×1 lateral convs (`inner_blocks.i`), top-down
 * nearest-neighbour upsampling and addition, 3×3 output convs (`layer_blocks.i`), optional extra
 * levels (`extra_blocks.p6/p7`). Parameter names follow torchvision's FeaturePyramidNetwork.
 */
export class FPN extends Module {
  readonly innerBlocks: ModuleList<Conv2d>;
  readonly layerBlocks: ModuleList<Conv2d>;
  readonly p6: Conv2d | null = null;
  readonly p7: Conv2d | null = null;
  readonly extra: FpnExtra;
  readonly extraFrom: 'c5' | 'p5';
  readonly reluBeforeP7: boolean;

  constructor(options: FpnOptions) {
    super();
    const out = options.outChannels;
    const weightInit: Initializer = options.init === 'kaiming-uniform' ? kaimingUniform(1) : xavierUniform();
    const make = (inC: number, k: number, stride = 1) =>
      new Conv2d({
        inChannels: inC,
        outChannels: out,
        kernelSize: k,
        stride,
        padding: Math.floor(k / 2),
        weightInit,
        biasInit: constant(0),
      });
    this.innerBlocks = this.child('inner_blocks', new ModuleList<Conv2d>());
    this.layerBlocks = this.child('layer_blocks', new ModuleList<Conv2d>());
    for (const c of options.inChannels) {
      this.innerBlocks.add(make(c, 1));
      this.layerBlocks.add(make(out, 3));
    }
    this.extra = options.extra ?? 'none';
    this.extraFrom = options.extraFrom ?? 'c5';
    this.reluBeforeP7 = options.reluBeforeP7 ?? true;
    if (this.extra === 'p6p7') {
      const extras = this.child('extra_blocks', new ExtraBlocks());
      const src = this.extraFrom === 'c5' ? options.inChannels[options.inChannels.length - 1] : out;
      this.p6 = extras.register('p6', make(src, 3, 2));
      this.p7 = extras.register('p7', make(out, 3, 2));
    }
  }

  /** Number of output levels. */
  get numOutputs(): number {
    const n = this.innerBlocks.items.length;
    return n + (this.extra === 'p6p7' ? 2 : this.extra === 'maxpool' ? 1 : 0);
  }

  /** Inputs lowest level first; outputs likewise (P_first … P_last, then the extra levels). */
  forward(inputs: tf.Tensor[]): tf.Tensor4D[] {
    const n = this.innerBlocks.items.length;
    if (inputs.length !== n) throw new Error(`FPN: expected ${n} input levels, got ${inputs.length}`);
    let last = this.innerBlocks.items[n - 1].forward(inputs[n - 1]);
    const results: tf.Tensor4D[] = [this.layerBlocks.items[n - 1].forward(last)];
    for (let i = n - 2; i >= 0; i--) {
      const lateral = this.innerBlocks.items[i].forward(inputs[i]);
      const [, h, w] = lateral.shape;
      const topDown = tf.image.resizeNearestNeighbor(last, [h, w], false, false);
      last = tf.add(lateral, topDown);
      results.unshift(this.layerBlocks.items[i].forward(last));
    }
    if (this.extra === 'maxpool') results.push(tf.maxPool(results[n - 1], 1, 2, 'valid'));
    if (this.p6 && this.p7) {
      const p6 = this.p6.forward(this.extraFrom === 'c5' ? inputs[n - 1] : results[n - 1]);
      results.push(p6, this.p7.forward(this.reluBeforeP7 ? tf.relu(p6) : p6));
    }
    return results;
  }
}

/** Holder for the named extra convs (`extra_blocks.p6`, `extra_blocks.p7`). */
class ExtraBlocks extends Module {
  register(name: string, conv: Conv2d): Conv2d {
    return this.child(name, conv);
  }
}

/** Builds a seeded {@link FPN}. */
export function fpn(options: FpnOptions): FPN {
  return withInitSeed(options.seed, () => new FPN(options));
}
