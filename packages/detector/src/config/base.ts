/**
 * The fields every detector config has; a detector's schema extends
 * {@link DETECTOR_CONFIG_BASE_SCHEMA} with its own sections (FPN, head, anchors, …).
 */
import type { z } from 'zod';
import { BACKBONE_CONFIG_SCHEMA } from './backbone.js';
import { numberSchema, sectionSchema, textSchema, tupleSchema } from './fields.js';
import { TRAIN_CONFIG_SCHEMA } from './train.js';

/**
 * Schema of {@link DetectorConfigBase}. Extend it with `.extend({ ...sections })` (then add
 * cross-field checks with `.superRefine`), e.g. packages/retinanet/src/config/schema.ts.
 */
export const DETECTOR_CONFIG_BASE_SCHEMA = sectionSchema({
  /** Preset name, for logs and manifests. */
  name: textSchema(),
  /** C, foreground classes. */
  numClasses: numberSchema(1, { integer: true }),
  /** Training input [height, width] (images are resized/padded to it by the pipeline). */
  inputSize: tupleSchema(numberSchema(1, { integer: true }), 2),
  backbone: BACKBONE_CONFIG_SCHEMA,
  train: TRAIN_CONFIG_SCHEMA,
});

/** What every detector config has: name, classes, input size, backbone and training schedule. */
export type DetectorConfigBase = z.output<typeof DETECTOR_CONFIG_BASE_SCHEMA>;
