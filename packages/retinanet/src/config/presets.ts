/**
 * The named RetinaNet configurations. Where a number comes from is stated next to it.
 */
import type { RetinaNetConfig } from './types.js';

/**
 * `retinanet-r50-fpn-512`: the Parameterized AP paper's RetinaNet (`paploss_retinanet_r50_fpn.py`,
 * docs/spec/paper-spec.md §9.1, §10): R50 (frozen stem + layer1, frozen BN statistics), FPN 256
 * P3–P7 with extra convs on C5, 4×256 towers, A = 6 anchors (2 scales per octave × 3 ratios),
 * coder stds from the loss (0.1/0.2 for PAP, 1 for the focal baselines, as in the paper's
 * configs), SGD 0.016 / 0.9 / 1e-4 with 500 warm-up iterations, batch 64, 100 epochs with steps
 * at 60/80, 512×512 SSD-style augmentation. NMS 0.6 is the paper config's; score 0.05 is for
 * reported AP.
 */
export const RETINANET_R50_FPN_512: RetinaNetConfig = {
  name: 'retinanet-r50-fpn-512',
  numClasses: 80,
  inputSize: [512, 512],
  backbone: { depth: 50, widthMultiplier: 1, blocks: null, frozenStages: 1, norm: 'frozen-bn', pretrained: null },
  // mmdet RetinaNet: add_extra_convs='on_input' (P6 from C5), relu_before_extra_convs=False.
  fpn: { inLevels: [3, 4, 5], outChannels: 256, extra: 'p6p7', extraFrom: 'c5', reluBeforeP7: false },
  head: { stackedConvs: 4, channels: 256, norm: 'none', priorProbability: null },
  anchors: {
    strides: [8, 16, 32, 64, 128],
    octaveBaseScale: 4,
    scalesPerOctave: 2,
    ratios: [0.5, 1, 2],
    centerOffset: 0,
  },
  boxCoder: { stds: null },
  // mmdet's COCO pipeline moves crowd boxes to gt_bboxes_ignore and RetinaNet's assigner has
  // ignore_iof_thr = −1, so crowd regions are plain background there: kept for exactness.
  assigner: { posIouThr: 0.5, negIouThr: 0.4, minPosIou: 0, matchLowQuality: true, crowdIofThr: -1 },
  inference: { preNmsTopK: 1000, scoreThreshold: 0.05, nmsIouThreshold: 0.6, maxDetections: 100 },
  train: {
    batchSize: 64,
    optimizer: 'sgd',
    lr: 0.016,
    momentum: 0.9,
    weightDecay: 1e-4,
    warmupIters: 500,
    warmupRatio: 0.001,
    epochs: 100,
    lrSchedule: 'step',
    lrSteps: [60, 80],
    gradClipNorm: 0,
    trainPipeline: 'paper-train',
    testPipeline: 'paper-test',
    dataset: 'coco',
  },
};

/**
 * `retinanet-r50-fpn-1x`: the standard COCO 1x RetinaNet (mmdet `retinanet_r50_fpn_1x_coco`):
 * A = 9 (3 scales per octave), 1333×800, batch 16, lr 0.01, 12 epochs with steps at 8/11,
 * NMS 0.5.
 */
export const RETINANET_R50_FPN_1X: RetinaNetConfig = {
  ...RETINANET_R50_FPN_512,
  name: 'retinanet-r50-fpn-1x',
  inputSize: [800, 1333],
  anchors: {
    strides: [8, 16, 32, 64, 128],
    octaveBaseScale: 4,
    scalesPerOctave: 3,
    ratios: [0.5, 1, 2],
    centerOffset: 0,
  },
  inference: { preNmsTopK: 1000, scoreThreshold: 0.05, nmsIouThreshold: 0.5, maxDetections: 100 },
  train: {
    ...RETINANET_R50_FPN_512.train,
    batchSize: 16,
    lr: 0.01,
    epochs: 12,
    lrSteps: [8, 11],
    // Resize to fit 1333×800 keeping the ratio + flip 0.5; not yet an @apdet/data preset.
    trainPipeline: 'coco-1x-train',
    testPipeline: 'coco-1x-test',
  },
};

/**
 * `retinanet-tiny`: the CPU default for the built-in 128×128 shapes dataset (6 classes, 4,000
 * train images), trained from scratch on the wasm backend. Sizing (measured in
 * bench/step-time.ts, see README): a ResNet-18 layout at width ¼ with one block per stage
 * (stem 16, C3–C5 = 32/64/128 channels), GroupNorm (no pretrained statistics to freeze;
 * batch-size independent), FPN 32 channels on P3–P5 (objects are 10–56 px, so P6/P7 would only
 * hold anchors larger than the image), two 32-channel tower convs. Anchors: base scale 2 so the
 * smallest anchors (16 px at stride 8) fit the smallest shapes; centred in their cell (offset
 * 0.5) because at stride 8 a corner centre is a large fraction of a small object; square only
 * (every shapes box has an aspect ratio within 0.87–1.14), 3 scales per octave: A = 3 instead of
 * 6 trains 12 % faster for the same AP (measured: 0.526 vs 0.528 at 13 epochs on 2,000 images).
 */
export const RETINANET_TINY: RetinaNetConfig = {
  name: 'retinanet-tiny',
  numClasses: 6,
  inputSize: [128, 128],
  backbone: { depth: 18, widthMultiplier: 0.25, blocks: [1, 1, 1, 1], frozenStages: 0, norm: 'gn', pretrained: null },
  fpn: { inLevels: [3, 4, 5], outChannels: 32, extra: 'none', extraFrom: 'c5', reluBeforeP7: false },
  head: { stackedConvs: 2, channels: 32, norm: 'none', priorProbability: null },
  anchors: { strides: [8, 16, 32], octaveBaseScale: 2, scalesPerOctave: 3, ratios: [1], centerOffset: 0.5 },
  boxCoder: { stds: null },
  assigner: { posIouThr: 0.5, negIouThr: 0.4, minPosIou: 0, matchLowQuality: true, crowdIofThr: 0.5 },
  inference: { preNmsTopK: 1000, scoreThreshold: 0.05, nmsIouThreshold: 0.5, maxDetections: 100 },
  train: {
    batchSize: 16,
    // Measured on shapes (wasm, 1 thread, 2-core machine, seed 0, full default data; see
    // apps/train/README.md): SGD 0.08 × 8 epochs, step at 7: AP 0.371 / AP50 0.572. AdamW with a
    // cosine decay learns far faster from scratch: lr 2e-3 / 4e-3 × 11 epochs: AP 0.342 / 0.439;
    // lr 8e-3 × 10 epochs: AP 0.448 / AP50 0.659; lr 1.2e-2: 0.437; batch 8 at 4e-3: 0.350;
    // batch 32 at 8e-3: 0.325 (the PAP loss ranks within a batch: 16 is the best trade). Decoupled
    // weight decay 0.05 instead of 1e-4 (lr 8e-3, 10 epochs): AP 0.474 / AP50 0.696; 0.1: 0.470 /
    // 0.690; GroupNorm in the head: 0.464 / 0.670. Training longer pays (13 epochs: 0.528 /
    // 0.761) but overfits 2,000 images (train AP50 0.84); 1,750 steps over 4,000 images, i.e.
    // 7 epochs: 0.576 / 0.783 with these anchors (0.578 / 0.808 with A = 6, 12 % slower). That
    // fits the main job's 15 minutes with the CLI's 2 wasm threads.
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
export const RETINANET_CONFIGS: Readonly<Record<string, RetinaNetConfig>> = {
  [RETINANET_TINY.name]: RETINANET_TINY,
  [RETINANET_R50_FPN_512.name]: RETINANET_R50_FPN_512,
  [RETINANET_R50_FPN_1X.name]: RETINANET_R50_FPN_1X,
};

/** The default `--config`. */
export const DEFAULT_RETINANET_CONFIG = RETINANET_TINY.name;
