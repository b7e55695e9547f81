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

/** A serialisable description of a preset pipeline, e.g. `{ preset: 'paper-train', size: 512 }`. */
export interface PipelineSpec {
  preset: 'paper-train' | 'paper-test' | 'coco-1x-train' | 'coco-1x-test' | 'shapes-train' | 'shapes-test';
  /** Output side of `paper-train`. */
  size?: number;
}

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
