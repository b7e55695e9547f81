// COCO annotations
export { CocoIndex, summarizeErrors } from './coco/coco-index.js';
export type { CocoCategory, CocoImage, CocoIndexOptions, ImageTargets } from './coco/coco-index.js';
export { validateCoco } from './coco/validate.js';
export type { CocoValidationReport } from './coco/validate.js';
export type {
  CocoJson,
  CocoJsonAnnotation,
  CocoJsonCategory,
  CocoJsonImage,
  CocoProblem,
  CocoProblemKind,
} from './coco/types.js';

// Images
export { loadRgbImage, decodeRgbImage } from './image/load-image.js';
export type { RgbImage } from './image/load-image.js';

// Randomness
export { Rng, type RngState } from './rng.js';

// Transforms
export { canvasFromPixels, densify, isDense, toOriginalBoxes, writeCanvasInto } from './transforms/sample.js';
export type { ImageCanvas, Sample, SampleMeta, Transform } from './transforms/sample.js';
export { affineBoxes, clipBoxes, iouWith } from './transforms/box-ops.js';
export { resize, resizedSize, resampleBilinear } from './transforms/resize.js';
export type { ResizeOptions } from './transforms/resize.js';
export { randomFlip, flipSample } from './transforms/flip.js';
export { photometricDistortion } from './transforms/photometric.js';
export type { PhotometricOptions } from './transforms/photometric.js';
export { expand } from './transforms/expand.js';
export type { ExpandOptions } from './transforms/expand.js';
export { minIouRandomCrop, cropSample } from './transforms/min-iou-crop.js';
export type { MinIouCropOptions } from './transforms/min-iou-crop.js';
export { normalize, IMAGENET_MEAN, IMAGENET_STD } from './transforms/normalize.js';
export { padToMultiple } from './transforms/pad.js';
export { compose } from './transforms/pipeline.js';
export type { InputSize, Pipeline, PipelinePreset, PipelineSpec } from './transforms/pipeline.js';
export {
  paperTrainPipeline,
  paperTestPipeline,
  coco1xTrainPipeline,
  coco1xTestPipeline,
  shapesTrainPipeline,
  shapesTestPipeline,
  resizeTrainPipeline,
  resizeTestPipeline,
  DEFAULT_RESIZE_INPUT_SIZE,
  pipelineFromSpec,
  pipelineByName,
  PIPELINE_PRESETS,
} from './transforms/presets.js';

// Loading
export { CocoDetectionDataset, loadSampleSource } from './loader/dataset.js';
export type { DetectionDataset, SampleSource } from './loader/dataset.js';
export { TransformWorkerPool } from './loader/worker-pool.js';
export { DataLoader } from './loader/data-loader.js';
export type { DataLoaderOptions } from './loader/data-loader.js';
export { collate, nextPosition } from './loader/collate.js';
export type { Batch, LoaderPosition } from './loader/collate.js';
export { planEpoch } from './loader/epoch-plan.js';

// The built-in shapes dataset
export {
  DEFAULT_SHAPES_DIR,
  ensureShapesDataset,
  makeShapesDataset,
  type EnsureShapesOptions,
  shapesDatasetPaths,
} from './shapes/make-shapes.js';
export type { ShapesDatasetPaths } from './shapes/make-shapes.js';
export { SHAPES_DEFAULTS, SHAPES_GENERATOR_VERSION } from './shapes/shapes-options.js';
export type { ShapesDatasetOptions } from './shapes/shapes-options.js';
export { SHAPE_CLASSES } from './shapes/geometry.js';
export type { ShapeClass } from './shapes/geometry.js';
export { renderShapesImage, DEFAULT_SHAPES_IMAGE } from './shapes/render.js';
export type { ShapeObject, ShapesImageOptions } from './shapes/render.js';

// Tools behind the CLI
export { browseDataset } from './tools/browse.js';
export { splitCoco } from './tools/split.js';
export { checkImageFiles } from './tools/check-images.js';
