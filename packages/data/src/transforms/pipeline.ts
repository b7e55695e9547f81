import type { Rng } from '../rng.js';
import type { Sample, Transform } from './sample.js';

/** An ordered list of transforms sharing one random stream per sample. */
export interface Pipeline {
  readonly name: string;
  readonly transforms: readonly Transform[];
  /** Runs the transforms in order. Pixel buffers may be modified in place. */
  apply(sample: Sample, rng: Rng): Sample;
  /** How to rebuild this pipeline elsewhere (a worker thread); set by the presets. */
  readonly spec?: PipelineSpec;
}

/** The names of the preset pipelines (configs' `trainPipeline` / `testPipeline`). */
export type PipelinePreset =
  | 'paper-train'
  | 'paper-test'
  | 'coco-1x-train'
  | 'coco-1x-test'
  | 'shapes-train'
  | 'shapes-test'
  | 'resize-train'
  | 'resize-test';

/** A model input size as `[height, width]` in pixels (the order of detector configs' `inputSize`). */
export type InputSize = readonly [number, number];

/**
 * A serialisable description of a preset pipeline, e.g. `{ preset: 'paper-train', size: 512 }`
 * or `{ preset: 'resize-train', size: [512, 640] }`; worker threads rebuild pipelines from it.
 */
export type PipelineSpec =
  | {
      preset: 'paper-train';
      /** Output side. Default 512. */
      size?: number;
    }
  | {
      preset: 'resize-train' | 'resize-test';
      /** The box `[height, width]` that images are resized to fit inside. Default [512, 512]. */
      size?: InputSize;
    }
  | { preset: Exclude<PipelinePreset, 'paper-train' | 'resize-train' | 'resize-test'> };

/** Composes transforms into a {@link Pipeline}. */
export function compose(name: string, transforms: Transform[], spec?: PipelineSpec): Pipeline {
  return {
    name,
    transforms,
    ...(spec === undefined ? {} : { spec }),
    apply(sample: Sample, rng: Rng): Sample {
      let current = sample;
      for (const t of transforms) current = t.apply(current, rng);
      return current;
    },
  };
}
