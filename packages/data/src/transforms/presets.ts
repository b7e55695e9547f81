import { expand } from './expand.js';
import { randomFlip } from './flip.js';
import { minIouRandomCrop } from './min-iou-crop.js';
import { IMAGENET_MEAN, normalize } from './normalize.js';
import { padToMultiple } from './pad.js';
import { photometricDistortion } from './photometric.js';
import { compose, type Pipeline, type PipelineSpec } from './pipeline.js';
import { resize } from './resize.js';

/**
 * The paper's training pipeline (paper-spec §10.3, aLRP's "coco500" SSD-style protocol):
 * photometric distortion, expand (mean fill, ratio 1–4), min-IoU random crop, resize to
 * size × size without keeping the ratio, flip 0.5, ImageNet normalisation.
 */
export function paperTrainPipeline(size = 512): Pipeline {
  return compose(`paper-train-${size}`, [
    photometricDistortion({ brightnessDelta: 32, contrastRange: [0.5, 1.5], saturationRange: [0.5, 1.5], hueDelta: 18 }),
    expand({ mean: IMAGENET_MEAN, ratioRange: [1, 4] }),
    minIouRandomCrop({ minIous: [0.1, 0.3, 0.5, 0.7, 0.9], minCropSize: 0.3 }),
    resize({ width: size, height: size }),
    randomFlip(0.5),
    normalize(),
  ], { preset: 'paper-train', size });
}

/** The paper's test pipeline: resize keep-ratio into (833, 500), normalise, pad to 32. */
export function paperTestPipeline(): Pipeline {
  return compose('paper-test', [resize({ width: 833, height: 500, keepRatio: true }), normalize(), padToMultiple(32)], { preset: 'paper-test' });
}

/**
 * The standard COCO "1x" training pipeline (mmdet `retinanet_r50_fpn_1x_coco`, Detectron): resize
 * keeping the ratio so the short edge is 800 and the long edge at most 1333, flip 0.5, ImageNet
 * normalisation, pad to a multiple of 32 (the FPN's coarsest stride).
 */
export function coco1xTrainPipeline(): Pipeline {
  return compose('coco-1x-train', [resize({ width: 1333, height: 800, keepRatio: true }), randomFlip(0.5), normalize(), padToMultiple(32)], { preset: 'coco-1x-train' });
}

/** The COCO 1x test pipeline: the same resize, no flip. */
export function coco1xTestPipeline(): Pipeline {
  return compose('coco-1x-test', [resize({ width: 1333, height: 800, keepRatio: true }), normalize(), padToMultiple(32)], { preset: 'coco-1x-test' });
}

/** Training on the built-in shapes dataset: flip 0.5 and normalisation (images are 128 px). */
export function shapesTrainPipeline(): Pipeline {
  return compose('shapes-train', [randomFlip(0.5), normalize(), padToMultiple(32)], { preset: 'shapes-train' });
}

/** Evaluation on the shapes dataset: normalisation only. */
export function shapesTestPipeline(): Pipeline {
  return compose('shapes-test', [normalize(), padToMultiple(32)], { preset: 'shapes-test' });
}

/** The presets by name, for configs and CLIs. */
export const PIPELINE_PRESETS: Record<PipelineSpec['preset'], () => Pipeline> = {
  'paper-train': () => paperTrainPipeline(512),
  'paper-test': paperTestPipeline,
  'coco-1x-train': coco1xTrainPipeline,
  'coco-1x-test': coco1xTestPipeline,
  'shapes-train': shapesTrainPipeline,
  'shapes-test': shapesTestPipeline,
};

/** Builds a preset pipeline from its serialisable description. */
export function pipelineFromSpec(spec: PipelineSpec): Pipeline {
  if (spec.preset === 'paper-train') return paperTrainPipeline(spec.size ?? 512);
  const make = PIPELINE_PRESETS[spec.preset];
  if (make === undefined) throw new RangeError(`unknown pipeline preset "${String(spec.preset)}"; known: ${Object.keys(PIPELINE_PRESETS).join(', ')}`);
  return make();
}
