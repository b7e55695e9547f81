import * as tf from '@tensorflow/tfjs';
import { FPN, Module, ResNet, withInitSeed } from '@apdet/nn';
import { AnchorGenerator, type FeatureSize } from '@apdet/ops';
import { classifierBias, PAP_BOX_CODER_STDS, type BoxCoderStds, type ClassifierSpec, type DetectionLoss } from '@apdet/losses';
import { checkConfig, fpnStrides } from '../config/resolve.js';
import type { RetinaNetConfig } from '../config/types.js';
import { RetinaHead } from './head.js';

/** The classifier a RetinaNet builds when no loss is given: sigmoid with RetinaNet's prior. */
const DEFAULT_CLASSIFIER: ClassifierSpec = { activation: 'sigmoid', priorProbability: 0.01 };

export interface RetinaNetOptions {
  /**
   * The registry loss the model will be trained with: decides the number of logits and the
   * classifier's prior bias (`loss.classifier('retina')`), and the inference scores. Default:
   * a sigmoid classifier with prior 0.01 (what every RetinaNet registry entry asks for).
   */
  loss?: DetectionLoss;
  /** Initialisation seed: the same seed gives bit-identical parameters on every backend. */
  seed?: number;
}

/** Raw outputs of a forward pass, in the anchor generator's order. */
export interface RetinaNetOutput {
  /** `[B, T, K]` classification logits (T anchors over all levels). */
  logits: tf.Tensor3D;
  /** `[B, T, 4]` box deltas (DeltaXYWH, normalised by the model's `boxCoderStds`). */
  deltas: tf.Tensor3D;
  /** Feature map size of every level. */
  featureSizes: FeatureSize[];
}

/** Anchors of a padded input size, all levels concatenated. */
export interface AnchorSet {
  featureSizes: FeatureSize[];
  /** Flat xyxy `[T·4]`. */
  anchors: Float32Array;
  /** First anchor index of each level, plus the total. */
  levelStart: number[];
}

/**
 * RetinaNet (Lin et al. 2017): ResNet backbone → FPN → shared classification/regression
 * head. Parameter names: `backbone.*` (torchvision ResNet), `neck.*` (torchvision FPN),
 * `bbox_head.*` (mmdet RetinaHead). Images are NHWC, already normalised.
 *
 * @example
 * const model = new RetinaNet(getConfig('retinanet-tiny'), { loss: getLoss('param-ap'), seed: 0 });
 * const { logits, deltas } = model.forward(images);   // [B, T, 6], [B, T, 4]
 */
export class RetinaNet extends Module {
  readonly config: RetinaNetConfig;
  readonly backbone: ResNet;
  readonly neck: FPN;
  readonly head: RetinaHead;
  readonly anchorGenerator: AnchorGenerator;
  readonly classifier: ClassifierSpec;
  /** The DeltaXYWH stds of targets and predictions: the config's, else the loss's, else the PAP ones. */
  readonly boxCoderStds: BoxCoderStds;
  readonly loss: DetectionLoss | null;
  private readonly anchorCache = new Map<string, AnchorSet>();

  constructor(config: RetinaNetConfig, options: RetinaNetOptions = {}) {
    super();
    this.config = checkConfig(structuredClone(config));
    const c = this.config;
    this.loss = options.loss ?? null;
    const fromLoss = this.loss ? this.loss.classifier('retina') : DEFAULT_CLASSIFIER;
    this.classifier = { ...fromLoss, priorProbability: c.head.priorProbability ?? fromLoss.priorProbability };
    this.boxCoderStds = c.boxCoder.stds ?? this.loss?.boxCoderStds('retina') ?? PAP_BOX_CODER_STDS;
    const numLogits = this.loss ? this.loss.numLogits('retina', c.numClasses) : c.numClasses;
    this.anchorGenerator = new AnchorGenerator({
      strides: c.anchors.strides,
      ratios: c.anchors.ratios,
      octaveBaseScale: c.anchors.octaveBaseScale,
      scalesPerOctave: c.anchors.scalesPerOctave,
      centerOffset: c.anchors.centerOffset,
    });
    const parts = withInitSeed(options.seed, () => {
      const b = c.backbone;
      const backbone = new ResNet({ depth: b.depth, widthMultiplier: b.widthMultiplier, frozenStages: b.frozenStages, norm: b.norm, ...(b.blocks ? { blocks: b.blocks } : {}) });
      const neck = new FPN({
        inChannels: c.fpn.inLevels.map((l) => backbone.outChannels[l - 2]),
        outChannels: c.fpn.outChannels,
        extra: c.fpn.extra,
        extraFrom: c.fpn.extraFrom,
        reluBeforeP7: c.fpn.reluBeforeP7,
      });
      const head = new RetinaHead({
        inChannels: c.fpn.outChannels,
        channels: c.head.channels,
        stackedConvs: c.head.stackedConvs,
        norm: c.head.norm,
        numAnchors: this.anchorGenerator.numBaseAnchors,
        numLogits,
        clsBias: classifierBias(this.classifier),
      });
      return { backbone, neck, head };
    });
    this.backbone = this.child('backbone', parts.backbone);
    this.neck = this.child('neck', parts.neck);
    this.head = this.child('bbox_head', parts.head);
  }

  /** A, anchors per location. */
  get numAnchorsPerLocation(): number {
    return this.anchorGenerator.numBaseAnchors;
  }

  /** Runs backbone, FPN and head on `[B, H, W, 3]` images. */
  forward(images: tf.Tensor4D): RetinaNetOutput {
    const [, height, width] = images.shape;
    const stages = this.backbone.forward(images);
    const pyramid = this.neck.forward(this.config.fpn.inLevels.map((l) => stages[l - 2]));
    const featureSizes = pyramid.map((p) => [p.shape[1], p.shape[2]] as const);
    const expected = this.anchorGenerator.featureSizes(height, width);
    if (featureSizes.some((s, i) => s[0] !== expected[i][0] || s[1] !== expected[i][1])) {
      // A mismatch would silently misalign anchors and outputs; fail loudly instead.
      throw new Error(`RetinaNet: feature sizes ${JSON.stringify(featureSizes)} differ from the anchor grid ${JSON.stringify(expected)} for a ${height}×${width} input`);
    }
    const { logits, deltas } = this.head.forward(pyramid);
    return { logits, deltas, featureSizes };
  }

  /** Anchors (cached) for a padded `[height, width]` input, matching {@link forward}'s order. */
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

  /** Per-class probabilities `[N, C]` from logits `[N, K]` (the loss's activation). */
  scores(logits: tf.Tensor2D): tf.Tensor2D {
    return this.loss ? this.loss.scores('retina', logits) : tf.sigmoid(logits);
  }

  /** Strides of the output levels. */
  get strides(): number[] {
    return fpnStrides(this.config);
  }
}
