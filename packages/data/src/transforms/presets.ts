import { expand } from './expand.js';
import { randomFlip } from './flip.js';
import { minIouRandomCrop } from './min-iou-crop.js';
import { IMAGENET_MEAN, normalize } from './normalize.js';
import { padToMultiple } from './pad.js';
import { photometricDistortion } from './photometric.js';
import { UserError } from '@apdet/io';
import { compose, type InputSize, type Pipeline, type PipelinePreset, type PipelineSpec } from './pipeline.js';
import { resize } from './resize.js';

/**
 * The paper's training pipeline (docs/spec/paper-spec.md §10.3, aLRP's "coco500" SSD-style protocol):
 * photometric distortion, expand (mean fill, ratio 1–4), min-IoU random crop, resize to
 * size × size without keeping the ratio, flip 0.5, ImageNet normalisation.
 */
export function paperTrainPipeline(size = 512): Pipeline {
  return compose(
    `paper-train-${size}`,
    [
      photometricDistortion({
        brightnessDelta: 32,
        contrastRange: [0.5, 1.5],
        saturationRange: [0.5, 1.5],
        hueDelta: 18,
      }),
      expand({ mean: IMAGENET_MEAN, ratioRange: [1, 4] }),
      minIouRandomCrop({ minIous: [0.1, 0.3, 0.5, 0.7, 0.9], minCropSize: 0.3 }),
      resize({ width: size, height: size }),
      randomFlip(0.5),
      normalize(),
    ],
    { preset: 'paper-train', size },
  );
}

/** The paper's test pipeline: resize keep-ratio into (833, 500), normalise, pad to 32. */
export function paperTestPipeline(): Pipeline {
  return compose('paper-test', [resize({ width: 833, height: 500, keepRatio: true }), normalize(), padToMultiple(32)], {
    preset: 'paper-test',
  });
}

/**
 * The standard COCO "1x" training pipeline (mmdet `retinanet_r50_fpn_1x_coco`, Detectron): resize
 * keeping the ratio so the short edge is 800 and the long edge at most 1333, flip 0.5, ImageNet
 * normalisation, pad to a multiple of 32 (the FPN's coarsest stride).
 */
export function coco1xTrainPipeline(): Pipeline {
  return compose(
    'coco-1x-train',
    [resize({ width: 1333, height: 800, keepRatio: true }), randomFlip(0.5), normalize(), padToMultiple(32)],
    { preset: 'coco-1x-train' },
  );
}

/** The COCO 1x test pipeline: the same resize, no flip. */
export function coco1xTestPipeline(): Pipeline {
  return compose(
    'coco-1x-test',
    [resize({ width: 1333, height: 800, keepRatio: true }), normalize(), padToMultiple(32)],
    { preset: 'coco-1x-test' },
  );
}

/** Training on the built-in shapes dataset: flip 0.5 and normalisation (images are 128 px). */
export function shapesTrainPipeline(): Pipeline {
  return compose('shapes-train', [randomFlip(0.5), normalize(), padToMultiple(32)], { preset: 'shapes-train' });
}

/** Evaluation on the shapes dataset: normalisation only. */
export function shapesTestPipeline(): Pipeline {
  return compose('shapes-test', [normalize(), padToMultiple(32)], { preset: 'shapes-test' });
}

/** The bound of `resize-train` / `resize-test` when no input size is given: `[height, width]`. */
export const DEFAULT_RESIZE_INPUT_SIZE: InputSize = [512, 512];

/**
 * Training on a dataset of arbitrary image sizes (`apdet-train --data <coco dir>`): resize
 * keeping the ratio to fit inside `inputSize` = [height, width] (up or down), photometric
 * distortion with the paper pipeline's ranges (docs/spec/paper-spec.md §10.3: brightness ±32, contrast and
 * saturation 0.5–1.5, hue ±18°) but without its channel swap, flip 0.5, ImageNet
 * normalisation, pad to a multiple of 32.
 *
 * The distortion follows the resize: it is pixelwise, so only the interpolation of the
 * non-linear hue step sees the order, and its cost scales with the input size instead of the
 * photo's (a 12-megapixel photo into 512 × 512 would cost ~45× more). No channel swap: in a custom dataset,
 * colour may be what tells two classes apart. No expand or crop: boxes keep their full extent
 * and images map back to the original exactly through `meta.affine`.
 */
export function resizeTrainPipeline(inputSize: InputSize = DEFAULT_RESIZE_INPUT_SIZE): Pipeline {
  const [height, width] = inputSize;
  return compose(
    `resize-train-${height}x${width}`,
    [
      resize({ width, height, keepRatio: true, fitInside: true }),
      photometricDistortion({
        brightnessDelta: 32,
        contrastRange: [0.5, 1.5],
        saturationRange: [0.5, 1.5],
        hueDelta: 18,
        channelSwap: false,
      }),
      randomFlip(0.5),
      normalize(),
      padToMultiple(32),
    ],
    { preset: 'resize-train', size: [height, width] },
  );
}

/** Evaluation counterpart of {@link resizeTrainPipeline}: fit inside [height, width], normalise, pad to 32. */
export function resizeTestPipeline(inputSize: InputSize = DEFAULT_RESIZE_INPUT_SIZE): Pipeline {
  const [height, width] = inputSize;
  return compose(
    `resize-test-${height}x${width}`,
    [resize({ width, height, keepRatio: true, fitInside: true }), normalize(), padToMultiple(32)],
    { preset: 'resize-test', size: [height, width] },
  );
}

/**
 * The presets by name, for configs and CLIs. Each takes the model's input size
 * `[height, width]`; only `resize-train` and `resize-test` use it (default
 * {@link DEFAULT_RESIZE_INPUT_SIZE}), the others have their own sizes.
 */
export const PIPELINE_PRESETS: Record<PipelinePreset, (inputSize?: InputSize) => Pipeline> = {
  'paper-train': () => paperTrainPipeline(512),
  'paper-test': () => paperTestPipeline(),
  'coco-1x-train': () => coco1xTrainPipeline(),
  'coco-1x-test': () => coco1xTestPipeline(),
  'shapes-train': () => shapesTrainPipeline(),
  'shapes-test': () => shapesTestPipeline(),
  'resize-train': (inputSize) => resizeTrainPipeline(inputSize),
  'resize-test': (inputSize) => resizeTestPipeline(inputSize),
};

/** Builds a preset pipeline from its serialisable description. */
export function pipelineFromSpec(spec: PipelineSpec): Pipeline {
  if (spec.preset === 'paper-train') return paperTrainPipeline(spec.size ?? 512);
  if (spec.preset === 'resize-train' || spec.preset === 'resize-test') return PIPELINE_PRESETS[spec.preset](spec.size);
  const make = PIPELINE_PRESETS[spec.preset] as ((inputSize?: InputSize) => Pipeline) | undefined;
  if (make === undefined) {
    const known = Object.keys(PIPELINE_PRESETS).join(', ');
    throw new RangeError(`unknown pipeline preset "${String(spec.preset)}"; known: ${known}`);
  }
  return make();
}

/**
 * The preset pipeline `name` for a model whose input is `inputSize` = [height, width] — what a
 * config's `trainPipeline` / `testPipeline` field names. Presets with their own size ignore
 * `inputSize`.
 *
 * @throws {UserError} for an unknown name (the message lists the valid ones) or an input
 *   size that is not two integers ≥ 1.
 * @example
 * const train = pipelineByName(config.train.trainPipeline, config.inputSize); // e.g. 'resize-train', [512, 512]
 */
export function pipelineByName(name: string, inputSize?: InputSize): Pipeline {
  if (!Object.hasOwn(PIPELINE_PRESETS, name)) {
    throw new UserError(`unknown pipeline '${name}'; valid: ${Object.keys(PIPELINE_PRESETS).join(', ')}`);
  }
  if (inputSize !== undefined) {
    const ok = inputSize.length === 2 && inputSize.every((s) => Number.isSafeInteger(s) && s >= 1);
    if (!ok)
      throw new UserError(
        `pipeline '${name}': input size must be [height, width] integers >= 1, got ${JSON.stringify(inputSize)}`,
      );
  }
  return PIPELINE_PRESETS[name as PipelinePreset](inputSize);
}
