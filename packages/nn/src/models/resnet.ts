import * as tf from '@tensorflow/tfjs';
import { Module, ModuleList, Sequential } from '../module.js';
import { Conv2d } from '../layers/conv2d.js';
import { BatchNorm, FrozenBatchNorm, GroupNorm } from '../layers/norm.js';
import { MaxPool2d } from '../layers/pool.js';
import { kaimingNormal, withInitSeed } from '../init.js';

/** Normalisation after each conv: frozen BN (detection default), trainable BN, or GroupNorm(32). */
export type ResNetNorm = 'frozen-bn' | 'bn' | 'gn';

type NormLayer = FrozenBatchNorm | BatchNorm | GroupNorm;

function makeNorm(kind: ResNetNorm, channels: number, affineTrainable: boolean): NormLayer {
  if (kind === 'frozen-bn') return new FrozenBatchNorm(channels, { affineTrainable });
  if (kind === 'bn') return new BatchNorm(channels, { affineTrainable });
  return new GroupNorm(Math.min(32, channels), channels, { affineTrainable });
}

function conv(inC: number, outC: number, k: number, stride: number): Conv2d {
  // PyTorch padding k//2, applied symmetrically: TF 'same' differs for stride 2 on even sizes.
  return new Conv2d({
    inChannels: inC,
    outChannels: outC,
    kernelSize: k,
    stride,
    padding: Math.floor(k / 2),
    bias: false,
    weightInit: kaimingNormal('fanOut'),
  });
}

interface BlockConfig {
  inC: number;
  planes: number;
  stride: number;
  norm: ResNetNorm;
  affineTrainable: boolean;
}

/** The shortcut projection `downsample` = Sequential(conv1x1(stride), norm), when shapes change. */
function downsample(c: BlockConfig, outC: number): Sequential | null {
  if (c.stride === 1 && c.inC === outC) return null;
  return new Sequential([conv(c.inC, outC, 1, c.stride), makeNorm(c.norm, outC, c.affineTrainable)]);
}

/** ResNet-18/34 block: two 3×3 convs. */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  readonly conv1: Conv2d;
  readonly bn1: NormLayer;
  readonly conv2: Conv2d;
  readonly bn2: NormLayer;
  readonly downsample: Sequential | null;

  constructor(c: BlockConfig) {
    super();
    this.conv1 = this.child('conv1', conv(c.inC, c.planes, 3, c.stride));
    this.bn1 = this.child('bn1', makeNorm(c.norm, c.planes, c.affineTrainable));
    this.conv2 = this.child('conv2', conv(c.planes, c.planes, 3, 1));
    this.bn2 = this.child('bn2', makeNorm(c.norm, c.planes, c.affineTrainable));
    const ds = downsample(c, c.planes);
    this.downsample = ds ? this.child('downsample', ds) : null;
  }

  forward(x: tf.Tensor): tf.Tensor {
    const h = tf.relu(this.bn1.forward(this.conv1.forward(x)));
    const y = this.bn2.forward(this.conv2.forward(h));
    const identity = this.downsample ? this.downsample.forward(x) : x;
    return tf.relu(tf.add(y, identity));
  }
}

/** ResNet-50/101 block, torchvision v1.5: 1×1 → 3×3 (carries the stride) → 1×1 (×4 channels). */
export class Bottleneck extends Module {
  static readonly expansion = 4;
  readonly conv1: Conv2d;
  readonly bn1: NormLayer;
  readonly conv2: Conv2d;
  readonly bn2: NormLayer;
  readonly conv3: Conv2d;
  readonly bn3: NormLayer;
  readonly downsample: Sequential | null;

  constructor(c: BlockConfig) {
    super();
    const outC = c.planes * Bottleneck.expansion;
    this.conv1 = this.child('conv1', conv(c.inC, c.planes, 1, 1));
    this.bn1 = this.child('bn1', makeNorm(c.norm, c.planes, c.affineTrainable));
    this.conv2 = this.child('conv2', conv(c.planes, c.planes, 3, c.stride));
    this.bn2 = this.child('bn2', makeNorm(c.norm, c.planes, c.affineTrainable));
    this.conv3 = this.child('conv3', conv(c.planes, outC, 1, 1));
    this.bn3 = this.child('bn3', makeNorm(c.norm, outC, c.affineTrainable));
    const ds = downsample(c, outC);
    this.downsample = ds ? this.child('downsample', ds) : null;
  }

  forward(x: tf.Tensor): tf.Tensor {
    const h1 = tf.relu(this.bn1.forward(this.conv1.forward(x)));
    const h2 = tf.relu(this.bn2.forward(this.conv2.forward(h1)));
    const y = this.bn3.forward(this.conv3.forward(h2));
    const identity = this.downsample ? this.downsample.forward(x) : x;
    return tf.relu(tf.add(y, identity));
  }
}

/** Blocks per stage of the standard depths. */
export const RESNET_BLOCKS: Record<18 | 34 | 50 | 101, [number, number, number, number]> = {
  18: [2, 2, 2, 2],
  34: [3, 4, 6, 3],
  50: [3, 4, 6, 3],
  101: [3, 4, 23, 3],
};

export interface ResNetOptions {
  depth: 18 | 34 | 50 | 101;
  /** Scales every width (stem 64·w, stage planes 64·w·2^i); default 1. For small CPU models. */
  widthMultiplier?: number;
  /** Blocks per stage, overriding the depth's standard counts (e.g. [1, 1, 1, 1]). */
  blocks?: [number, number, number, number];
  /**
   * Stages whose parameters are frozen and whose norms stay in eval mode, as mmdet's
   * `frozen_stages`: 0 = none, 1 = stem + layer1, …, 4 = everything. Default 1 (detection).
   */
  frozenStages?: number;
  /** Default 'frozen-bn'. */
  norm?: ResNetNorm;
  /** Whether norm scale/shift train (outside frozen stages). Default true (mmdet). */
  normAffineTrainable?: boolean;
  inChannels?: number;
  /** Initialisation seed (see {@link withInitSeed}). */
  seed?: number;
}

/**
 * ResNet (He et al. 2016) with torchvision's parameter names (`conv1`, `bn1`, `layer1.0.conv1`,
 * `layer2.0.downsample.0`, …), NHWC. `forward` returns the stage outputs C2–C5 (strides 4–32).
 */
export class ResNet extends Module {
  readonly conv1: Conv2d;
  readonly bn1: NormLayer;
  readonly maxpool: MaxPool2d;
  readonly stages: Array<ModuleList<BasicBlock | Bottleneck>>;
  /** Output channels of C2, C3, C4, C5. */
  readonly outChannels: [number, number, number, number];
  readonly frozenStages: number;

  constructor(options: ResNetOptions) {
    super();
    const w = options.widthMultiplier ?? 1;
    const norm = options.norm ?? 'frozen-bn';
    const affineTrainable = options.normAffineTrainable ?? true;
    const blocks = options.blocks ?? RESNET_BLOCKS[options.depth];
    if (!blocks) throw new Error(`ResNet: unsupported depth ${options.depth} (use 18, 34, 50 or 101)`);
    const Block = options.depth >= 50 ? Bottleneck : BasicBlock;
    const stem = Math.max(1, Math.round(64 * w));
    this.conv1 = this.child('conv1', conv(options.inChannels ?? 3, stem, 7, 2));
    this.bn1 = this.child('bn1', makeNorm(norm, stem, affineTrainable));
    this.maxpool = new MaxPool2d({ kernelSize: 3, stride: 2, padding: 1 });
    let inC = stem;
    const outChannels: number[] = [];
    this.stages = blocks.map((count, i) => {
      const planes = Math.max(1, Math.round(64 * w * 2 ** i));
      const stage = this.child(`layer${i + 1}`, new ModuleList<BasicBlock | Bottleneck>());
      for (let b = 0; b < count; b++) {
        const stride = b === 0 && i > 0 ? 2 : 1;
        stage.add(new Block({ inC, planes, stride, norm, affineTrainable }));
        inC = planes * Block.expansion;
      }
      outChannels.push(inC);
      return stage;
    });
    this.outChannels = outChannels as [number, number, number, number];
    this.frozenStages = options.frozenStages ?? 1;
    this.freezeStages();
  }

  /** Modules of stage i: 0 = stem (conv1, bn1), 1–4 = layer1–layer4. */
  stageModules(i: number): Module[] {
    return i === 0 ? [this.conv1, this.bn1] : [this.stages[i - 1]];
  }

  /** Stage indices 0 … frozenStages (none when frozenStages = 0). */
  private frozenStageIndices(): number[] {
    return this.frozenStages === 0 ? [] : Array.from({ length: Math.min(this.frozenStages, 4) + 1 }, (_, i) => i);
  }

  private freezeStages(): void {
    for (const i of this.frozenStageIndices()) for (const m of this.stageModules(i)) m.setTrainable(false).eval();
  }

  /** Like {@link Module.train}, but frozen stages stay in eval mode (mmdet's `train()` override). */
  override train(mode = true): this {
    super.train(mode);
    for (const i of this.frozenStageIndices()) for (const m of this.stageModules(i)) m.eval();
    return this;
  }

  /**
   * Returns C2–C5. The leading stages whose parameters are all frozen (stem, layer1, … — the
   * frozen prefix) each run as one opaque tape node (`tf.customGrad` with a zero input
   * gradient): tfjs then neither records nor keeps their intermediate activations for the
   * backward pass, which at 512×512 is most of the memory (the wasm heap is capped at 4 GiB).
   * Consequence: no gradient flows back through a frozen prefix to `x` (nothing upstream of a
   * backbone input is trained in detection); pass `detachFrozenPrefix: false` if you need it.
   */
  forward(
    x: tf.Tensor,
    options: { detachFrozenPrefix?: boolean } = {},
  ): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D] {
    const prefix = options.detachFrozenPrefix === false ? 0 : this.frozenPrefixLength();
    let h: tf.Tensor = x;
    const outs: tf.Tensor4D[] = [];
    for (let i = 0; i <= 4; i++) {
      h = i < prefix ? detached((t) => this.runStage(i, t), h) : this.runStage(i, h);
      if (i > 0) outs.push(h as tf.Tensor4D);
    }
    return outs as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  }

  /** Stage i: 0 = stem (conv1, bn1, ReLU, max-pool), 1–4 = layer1–layer4. */
  private runStage(i: number, x: tf.Tensor): tf.Tensor {
    if (i === 0) return this.maxpool.forward(tf.relu(this.bn1.forward(this.conv1.forward(x))));
    return this.stages[i - 1].items.reduce((h: tf.Tensor, block) => block.forward(h), x);
  }

  /** Number of leading stages (stem first) none of whose parameters is trainable. */
  private frozenPrefixLength(): number {
    let n = 0;
    while (n <= 4 && this.stageModules(n).every((m) => m.namedParameters().every(([, p]) => !p.trainable))) n++;
    return n;
  }
}

/** Runs `f(x)` as a single tape node whose gradient w.r.t. x is zero (see ResNet.forward). */
function detached(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor;
    return { value: f(input), gradFunc: () => tf.zerosLike(input) };
  });
  return op(x);
}

/** Builds a seeded {@link ResNet}. */
export function resnet(options: ResNetOptions): ResNet {
  return withInitSeed(options.seed, () => new ResNet(options));
}
