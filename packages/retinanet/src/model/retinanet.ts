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
import { FPN, Module, ResNet, withInitSeed } from '@apdet/nn';
import { AnchorGenerator, type FeatureSize } from '@apdet/ops';
import {
  classifierBias,
  DEFAULT_LOSS,
  getLoss,
  PAP_BOX_CODER_STDS,
  type BoxCoderStds,
  type ClassifierSpec,
  type DetectionLoss,
  type HeadKind,
} from '@apdet/losses';
import { checkConfig, fpnStrides } from '../config/resolve.js';
import type { RetinaNetConfig } from '../config/types.js';
import { detect } from '../detect.js';
import { retinaLoss } from '../loss.js';
import { targetsForBatch } from '../train-step.js';
import { RetinaHead } from './head.js';

/** RetinaNet's one loss head: dense anchors × C sigmoid classes (docs/spec/paper-spec.md §9.1). */
const HEADS: readonly HeadKind[] = ['retina'];

export interface RetinaNetOptions {
  /**
   * The registry loss the model will be trained with: decides the number of logits and the
   * classifier's prior bias (`loss.classifier('retina')`), and the inference scores. Default:
   * the default `--loss` (`param-ap`: a sigmoid classifier with prior 0.01, what every RetinaNet
   * registry entry asks for).
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
export class RetinaNet extends Module implements Detector {
  readonly kind = 'retinanet';
  readonly heads = HEADS;
  /** `--init` copies the backbone and the FPN; the head starts fresh. */
  readonly warmStartPrefixes: readonly string[] = ['backbone.', 'neck.'];
  readonly config: RetinaNetConfig;
  readonly backbone: ResNet;
  readonly neck: FPN;
  readonly head: RetinaHead;
  readonly anchorGenerator: AnchorGenerator;
  readonly classifier: ClassifierSpec;
  /** The DeltaXYWH stds of targets and predictions: the config's, else the loss's, else the PAP ones. */
  readonly boxCoderStds: BoxCoderStds;
  readonly loss: DetectionLoss;
  private readonly anchorCache = new Map<string, AnchorSet>();

  constructor(config: RetinaNetConfig, options: RetinaNetOptions = {}) {
    super();
    this.config = checkConfig(structuredClone(config));
    const c = this.config;
    this.loss = options.loss ?? getLoss(DEFAULT_LOSS);
    const fromLoss: ClassifierSpec = this.loss.classifier('retina');
    this.classifier = { ...fromLoss, priorProbability: c.head.priorProbability ?? fromLoss.priorProbability };
    this.boxCoderStds = c.boxCoder.stds ?? this.loss.boxCoderStds('retina') ?? PAP_BOX_CODER_STDS;
    const numLogits = this.loss.numLogits('retina', c.numClasses);
    this.anchorGenerator = new AnchorGenerator({
      strides: c.anchors.strides,
      ratios: c.anchors.ratios,
      octaveBaseScale: c.anchors.octaveBaseScale,
      scalesPerOctave: c.anchors.scalesPerOctave,
      centerOffset: c.anchors.centerOffset,
    });
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
      throw new Error(
        `RetinaNet: feature sizes ${JSON.stringify(featureSizes)} differ from the anchor grid ${JSON.stringify(expected)} for a ${height}×${width} input`,
      );
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
    return this.loss.scores('retina', logits);
  }

  /**
   * Targets on the host (MaxIoU assigner, every anchor used), forward, and the registry loss of
   * the `retina` head; parts are named `retina/<term>`.
   */
  computeLoss(batch: TrainBatch, _ctx: LossContext): DetectorLoss {
    const targets = targetsForBatch(this, batch);
    const out = retinaLoss(this.loss, this.config.numClasses, this.forward(batch.images), targets, this.boxCoderStds);
    const parts: Record<string, tf.Scalar> = {};
    for (const [name, value] of Object.entries(out.parts)) parts[`retina/${name}`] = value;
    return { total: out.total, parts, stats: { 'retina/positives': targets.numPositives } };
  }

  detect(images: tf.Tensor4D, geometries: readonly ImageGeometry[]): Detections[] {
    return detect(this, images, geometries);
  }

  /** One group: RetinaNet trains every parameter at the base lr and weight decay. */
  paramGroupRules(): readonly ParamGroupRule[] {
    return [];
  }

  async loadPretrainedBackbone(file: string): Promise<number> {
    return loadTorchvisionBackbone(this.backbone, file);
  }

  /** Strides of the output levels. */
  get strides(): number[] {
    return fpnStrides(this.config);
  }
}
