/**
 * The named Faster R-CNN configurations. Where a number comes from is stated next to it
 * (docs/spec/paper-spec.md §9.2, §10; docs/spec/detectors.md A.3, C).
 */
import type { FasterRcnnConfig } from './types.js';

/**
 * `faster-rcnn-r50-fpn-512`: the Parameterized AP paper's Faster R-CNN
 * (`paploss_fasterrcnn_r50_fpn.py` on the MMDetection 2.1 base, docs/spec/paper-spec.md §9.2,
 * §10.1): R50 (frozen stem + layer1, frozen BN statistics, affine trainable as mmdet's
 * `norm_eval=True, requires_grad=True`), FPN 256 on C2–C5 with P6 by max-pool, anchors scale 8 ×
 * ratios {0.5, 1, 2} on P2–P6, RPN assigner 0.7 / 0.3 / min 0.3 with low-quality matches,
 * proposals 2000 per level → 1000 per image at NMS 0.7 (test 1000 → 1000), RoIAlign 7×7
 * adaptive and aligned on P2–P5 (canonical 224 at level 4), two shared FC 1024, RoI assigner
 * 0.5 / 0.5 / 0.5 without low-quality matches. Coder stds from the loss (`param-ap` 0.1/0.2 on
 * both stages; CE baselines 1 in the RPN, 0.1/0.2 in the RoI head). SGD 0.024 (the `param-ap`
 * config's; the CE baselines ran at 0.04: pass `--lr 0.04`, docs/spec/detectors.md A.2),
 * momentum 0.9, wd 1e-4, 500 warm-up iterations from 0.001, batch 64, 100 epochs with steps at
 * 75/95, the 512×512 SSD-style pipeline (§10.3). Score threshold 0.05 for reported AP (the
 * config's 0.5 is for fast evaluation during training, §10.1).
 */
export const FASTER_RCNN_R50_FPN_512: FasterRcnnConfig = {
  name: 'faster-rcnn-r50-fpn-512',
  numClasses: 80,
  inputSize: [512, 512],
  backbone: { depth: 50, widthMultiplier: 1, blocks: null, frozenStages: 1, norm: 'frozen-bn', pretrained: null },
  fpn: { inLevels: [2, 3, 4, 5], outChannels: 256, extra: 'maxpool' },
  anchors: { strides: [4, 8, 16, 32, 64], scales: [8], ratios: [0.5, 1, 2], centerOffset: 0 },
  rpn: {
    channels: 256,
    assigner: { posIouThr: 0.7, negIouThr: 0.3, minPosIou: 0.3, matchLowQuality: true },
    // mmdet 2.1 `train_cfg.rpn_proposal` / `test_cfg.rpn` (torchvision keeps 2000 after NMS in training).
    train: { preNmsTopK: 2000, postNmsTopN: 1000, nmsIouThreshold: 0.7, minSize: 0 },
    test: { preNmsTopK: 1000, postNmsTopN: 1000, nmsIouThreshold: 0.7, minSize: 0 },
  },
  roi: {
    outputSize: 7,
    // mmdet 2.1: `sample_num=0`, `aligned=True`; torchvision pools with sampling_ratio 2, aligned=False.
    samplingRatio: 0,
    aligned: true,
    canonicalScale: 224,
    canonicalLevel: 4,
    levels: [2, 3, 4, 5],
    fcChannels: 1024,
    assigner: { posIouThr: 0.5, negIouThr: 0.5, minPosIou: 0.5, matchLowQuality: false },
  },
  boxCoder: { rpn: null, roi: null },
  inference: { scoreThreshold: 0.05, nmsIouThreshold: 0.5, maxDetections: 100 },
  train: {
    batchSize: 64,
    optimizer: 'sgd',
    lr: 0.024,
    momentum: 0.9,
    weightDecay: 1e-4,
    warmupIters: 500,
    warmupRatio: 0.001,
    epochs: 100,
    lrSchedule: 'step',
    lrSteps: [75, 95],
    gradClipNorm: 0,
    trainPipeline: 'paper-train',
    testPipeline: 'paper-test',
    dataset: 'coco',
  },
};

/**
 * `faster-rcnn-r50-fpn-1x`: the standard COCO 1x Faster R-CNN (mmdet `faster_rcnn_r50_fpn_1x_coco`,
 * 37.4 AP with CE + L1, docs/spec/detectors.md C): the paper model at 1333×800 keeping the ratio,
 * batch 16, SGD 0.02, 12 epochs with steps at 8/11.
 */
export const FASTER_RCNN_R50_FPN_1X: FasterRcnnConfig = {
  ...FASTER_RCNN_R50_FPN_512,
  name: 'faster-rcnn-r50-fpn-1x',
  inputSize: [800, 1333],
  train: {
    ...FASTER_RCNN_R50_FPN_512.train,
    batchSize: 16,
    lr: 0.02,
    epochs: 12,
    lrSteps: [8, 11],
    trainPipeline: 'coco-1x-train',
    testPipeline: 'coco-1x-test',
  },
};

/**
 * `faster-rcnn-tiny`: the CPU default for the built-in 128×128 shapes dataset (6 classes, objects
 * of 10–56 px), trained from scratch on the wasm backend, sized so that a step at batch 16 costs
 * about a `retinanet-tiny` step (measured in bench/step-time.ts, see README). Deviations from the
 * paper model, each for speed on 2 CPU cores:
 * - backbone: retinanet-tiny's (ResNet-18 layout at width ¼, one block per stage, GroupNorm: no
 *   pretrained statistics to freeze, batch-size independent);
 * - FPN 32 channels on C3–C5 (P3–P5, as retinanet-tiny) instead of 256 on C2–C5 + P6: P2 at
 *   32×32 made a step 1.5× as costly (its FPN and RPN convs and RoIs pooled from it) for objects
 *   of at least 10 px, and P6 anchors (4× the image) would never match;
 * - anchor scale 2 instead of 8 (16 / 32 / 64 px on P3–P5, the sizes of the shapes): with scale 8
 *   the smallest anchor would be 64 px and a 10 px shape would reach IoU 0.02 with it, far below
 *   the RPN's low-quality minimum 0.3, so it would never be a positive; anchors centred in their
 *   cells (offset 0.5, as retinanet-tiny), so the centres cover the image symmetrically (mmdet's
 *   corner centres run from 0 to 120 px on P3, leaving the last 8 px of each side without one);
 * - RPN conv 32 channels; proposals 128 per level → 64 per image in training (paper 2000 →
 *   1000) and 256 → 100 at test (1000 → 1000): an image holds at most 8 shapes, and the RoI head
 *   costs in proportion to its RoIs;
 * - FC width 128 instead of 1024.
 * RoIs of < 112 px all pool from the lowest level (canonical 224 at level 4), P3 here.
 * The schedule is retinanet-tiny's (AdamW 8e-3, cosine, 7 epochs); not tuned for Faster R-CNN yet.
 */
export const FASTER_RCNN_TINY: FasterRcnnConfig = {
  name: 'faster-rcnn-tiny',
  numClasses: 6,
  inputSize: [128, 128],
  backbone: { depth: 18, widthMultiplier: 0.25, blocks: [1, 1, 1, 1], frozenStages: 0, norm: 'gn', pretrained: null },
  fpn: { inLevels: [3, 4, 5], outChannels: 32, extra: 'none' },
  anchors: { strides: [8, 16, 32], scales: [2], ratios: [0.5, 1, 2], centerOffset: 0.5 },
  rpn: {
    channels: 32,
    assigner: { posIouThr: 0.7, negIouThr: 0.3, minPosIou: 0.3, matchLowQuality: true },
    train: { preNmsTopK: 128, postNmsTopN: 64, nmsIouThreshold: 0.7, minSize: 0 },
    test: { preNmsTopK: 256, postNmsTopN: 100, nmsIouThreshold: 0.7, minSize: 0 },
  },
  roi: {
    outputSize: 7,
    samplingRatio: 0,
    aligned: true,
    canonicalScale: 224,
    canonicalLevel: 4,
    levels: [3, 4, 5],
    fcChannels: 128,
    assigner: { posIouThr: 0.5, negIouThr: 0.5, minPosIou: 0.5, matchLowQuality: false },
  },
  boxCoder: { rpn: null, roi: null },
  inference: { scoreThreshold: 0.05, nmsIouThreshold: 0.5, maxDetections: 100 },
  train: {
    batchSize: 16,
    optimizer: 'adamw',
    lr: 0.008,
    momentum: 0.9,
    weightDecay: 0.05,
    warmupIters: 100,
    warmupRatio: 0.001,
    epochs: 7,
    lrSchedule: 'cosine',
    lrSteps: [],
    gradClipNorm: 10,
    trainPipeline: 'shapes-train',
    testPipeline: 'shapes-test',
    dataset: 'shapes',
  },
};

/** Every named configuration, by name (what `--config <name>` accepts). */
export const FASTER_RCNN_CONFIGS: Readonly<Record<string, FasterRcnnConfig>> = {
  [FASTER_RCNN_TINY.name]: FASTER_RCNN_TINY,
  [FASTER_RCNN_R50_FPN_512.name]: FASTER_RCNN_R50_FPN_512,
  [FASTER_RCNN_R50_FPN_1X.name]: FASTER_RCNN_R50_FPN_1X,
};

/** The default `--config`. */
export const DEFAULT_FASTER_RCNN_CONFIG = FASTER_RCNN_TINY.name;
