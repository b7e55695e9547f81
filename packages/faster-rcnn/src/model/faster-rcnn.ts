import type * as tf from '@tensorflow/tfjs';
import {
  loadTorchvisionBackbone,
  type Detections,
  type Detector,
  type DetectorLoss,
  type ImageGeometry,
  type LossContext,
  type ParamGroupRule,
  type TrainBatch,
} from '@apdet/detector';
import {
  classifierBias,
  DEFAULT_LOSS,
  getLoss,
  PAP_BOX_CODER_STDS,
  type BoxCoderStds,
  type DetectionLoss,
  type HeadKind,
} from '@apdet/losses';
import { FPN, Module, ResNet, withInitSeed } from '@apdet/nn';
import { AnchorGenerator } from '@apdet/ops';
import { checkConfig, fpnLevels, fpnStrides } from '../config/resolve.js';
import type { FasterRcnnConfig } from '../config/types.js';
import { detect } from '../detect.js';
import { fasterRcnnLoss } from '../loss.js';
import type { LevelAnchors } from '../rpn-proposals.js';
import { RoiHead } from './roi-head.js';
import { RpnHead } from './rpn-head.js';

/** Faster R-CNN's two loss heads, in order (docs/spec/paper-spec.md §9.2). */
const HEADS: readonly HeadKind[] = ['rpn', 'roi'];

export interface FasterRcnnOptions {
  /**
   * The registry loss the model will be trained with: decides the RoI classifier's outputs
   * (`loss.numLogits('roi', C)`), the RPN objectness prior (`loss.classifier('rpn')`), the coder
   * stds, the samplers and the inference scores. Default: the default `--loss` (`param-ap`).
   */
  loss?: DetectionLoss;
  /** Initialisation seed: the same seed gives bit-identical parameters on every backend. */
  seed?: number;
}

/** Anchors of a padded input size, all levels concatenated. */
export interface AnchorSet extends LevelAnchors {
  featureSizes: (readonly [number, number])[];
}

/**
 * Faster R-CNN with FPN (Ren et al. 2015; Lin et al. 2017) as the Parameterized AP paper ran it
 * on MMDetection 2.1 (docs/spec/paper-spec.md §9.2): ResNet → FPN (P2–P6) → RPN → proposals on
 * the host → multi-level RoIAlign → two shared FC → classifier + class-specific deltas.
 * Parameter names: `backbone.*` (torchvision ResNet), `neck.*` (torchvision FPN), `rpn_head.*`
 * and `roi_head.bbox_head.*` (mmdet). Images are NHWC, already normalised.
 *
 * @example
 * const model = new FasterRCNN(getConfig('faster-rcnn-tiny'), { loss: getLoss('param-ap'), seed: 0 });
 * const dets = model.detect(images, geometries);
 */
export class FasterRCNN extends Module implements Detector {
  readonly kind = 'faster-rcnn';
  readonly heads = HEADS;
  /** `--init` copies the backbone and the FPN; the RPN and RoI heads start fresh. */
  readonly warmStartPrefixes: readonly string[] = ['backbone.', 'neck.'];
  readonly config: FasterRcnnConfig;
  readonly loss: DetectionLoss;
  readonly backbone: ResNet;
  readonly neck: FPN;
  readonly rpnHead: RpnHead;
  readonly roiHead: RoiHead;
  readonly anchorGenerator: AnchorGenerator;
  /** DeltaXYWH stds of the RPN: the config's, else the loss's, else the PAP ones. */
  readonly rpnStds: BoxCoderStds;
  /** DeltaXYWH stds of the RoI head: the config's, else the loss's, else the PAP ones. */
  readonly roiStds: BoxCoderStds;
  /** Index into the pyramid outputs of the first level the RoI head pools from. */
  readonly roiLevelOffset: number;
  private readonly anchorCache = new Map<string, AnchorSet>();

  constructor(config: FasterRcnnConfig, options: FasterRcnnOptions = {}) {
    super();
    this.config = checkConfig(structuredClone(config));
    const c = this.config;
    this.loss = options.loss ?? getLoss(DEFAULT_LOSS);
    this.rpnStds = c.boxCoder.rpn ?? this.loss.boxCoderStds('rpn') ?? PAP_BOX_CODER_STDS;
    this.roiStds = c.boxCoder.roi ?? this.loss.boxCoderStds('roi') ?? PAP_BOX_CODER_STDS;
    this.anchorGenerator = new AnchorGenerator({
      strides: c.anchors.strides,
      ratios: c.anchors.ratios,
      scales: c.anchors.scales,
      centerOffset: c.anchors.centerOffset,
    });
    this.roiLevelOffset = fpnLevels(c).indexOf(c.roi.levels[0]);
    const parts = withInitSeed(options.seed, () => {
      const b = c.backbone;
      const backbone = new ResNet({
        depth: b.depth,
        widthMultiplier: b.widthMultiplier,
        frozenStages: b.frozenStages,
        norm: b.norm,
        ...(b.blocks ? { blocks: b.blocks } : {}),
      });
      const neck = new FPN({
        inChannels: c.fpn.inLevels.map((l) => backbone.outChannels[l - 2]),
        outChannels: c.fpn.outChannels,
        extra: c.fpn.extra,
      });
      const rpnHead = new RpnHead({
        inChannels: c.fpn.outChannels,
        channels: c.rpn.channels,
        numAnchors: this.anchorGenerator.numBaseAnchors,
        clsBias: classifierBias(this.loss.classifier('rpn')),
      });
      const roiHead = new RoiHead({
        channels: c.fpn.outChannels,
        outputSize: c.roi.outputSize,
        samplingRatio: c.roi.samplingRatio,
        aligned: c.roi.aligned,
        canonicalScale: c.roi.canonicalScale,
        canonicalLevel: c.roi.canonicalLevel,
        featureStrides: c.roi.levels.map((l) => 2 ** l),
        fcChannels: c.roi.fcChannels,
        numLogits: this.loss.numLogits('roi', c.numClasses),
        numClasses: c.numClasses,
      });
      return { backbone, neck, rpnHead, roiHead };
    });
    this.backbone = this.child('backbone', parts.backbone);
    this.neck = this.child('neck', parts.neck);
    this.rpnHead = this.child('rpn_head', parts.rpnHead);
    this.roiHead = this.child('roi_head', parts.roiHead);
  }

  /** A, anchors per location. */
  get numAnchorsPerLocation(): number {
    return this.anchorGenerator.numBaseAnchors;
  }

  /** Strides of the pyramid outputs. */
  get strides(): number[] {
    return fpnStrides(this.config);
  }

  /** Backbone and FPN on `[B, H, W, 3]` images: the pyramid outputs, finest first. */
  features(images: tf.Tensor4D): tf.Tensor4D[] {
    const [, height, width] = images.shape;
    const stages = this.backbone.forward(images);
    const pyramid = this.neck.forward(this.config.fpn.inLevels.map((l) => stages[l - 2]));
    const expected = this.anchorGenerator.featureSizes(height, width);
    if (pyramid.some((p, i) => p.shape[1] !== expected[i][0] || p.shape[2] !== expected[i][1])) {
      // A mismatch would silently misalign anchors and outputs; fail loudly instead.
      const sizes = pyramid.map((p) => [p.shape[1], p.shape[2]]);
      throw new Error(
        `FasterRCNN: feature sizes ${JSON.stringify(sizes)} differ from the anchor grid ${JSON.stringify(expected)} for a ${height}×${width} input`,
      );
    }
    return pyramid;
  }

  /** The pyramid levels the RoI head pools from (a slice of {@link features}' output). */
  roiFeatures(pyramid: readonly tf.Tensor4D[]): tf.Tensor4D[] {
    return pyramid.slice(this.roiLevelOffset, this.roiLevelOffset + this.config.roi.levels.length);
  }

  /** Anchors (cached) for a padded `[height, width]` input, in the RPN outputs' order. */
  anchors(height: number, width: number): AnchorSet {
    const key = `${height}x${width}`;
    let set = this.anchorCache.get(key);
    if (!set) {
      const featureSizes = this.anchorGenerator.featureSizes(height, width);
      set = { featureSizes, ...this.anchorGenerator.gridAnchors(featureSizes) };
      this.anchorCache.set(key, set);
    }
    return set;
  }

  /**
   * RPN and RoI losses of a batch (loss.ts): parts `rpn/<term>` and `roi/<term>`, stats
   * `rpn/positives`, `roi/positives`, `roi/samples`.
   */
  computeLoss(batch: TrainBatch, ctx: LossContext): DetectorLoss {
    return fasterRcnnLoss(this, batch, ctx);
  }

  detect(images: tf.Tensor4D, geometries: readonly ImageGeometry[]): Detections[] {
    return detect(this, images, geometries);
  }

  /** One group: every parameter at the base lr and weight decay (mmdet's Faster R-CNN). */
  paramGroupRules(): readonly ParamGroupRule[] {
    return [];
  }

  async loadPretrainedBackbone(file: string): Promise<number> {
    return loadTorchvisionBackbone(this.backbone, file);
  }
}
