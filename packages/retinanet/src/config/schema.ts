/**
 * Field checks of the RetinaNet config: one checker per field, so an override file can be
 * validated field by field with errors that name the field and what it accepts.
 */
import type { RetinaNetConfig } from './types.js';

/** Returns an error text ("expected …") or null when the value is acceptable. */
export type FieldCheck = (value: unknown) => string | null;

const describe = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v));

const num =
  (min: number, opts: { integer?: boolean; minExclusive?: boolean; max?: number } = {}): FieldCheck =>
  (v) => {
    const ok = typeof v === 'number' && Number.isFinite(v) && (opts.minExclusive ? v > min : v >= min) && (opts.max === undefined || v <= opts.max) && (!opts.integer || Number.isInteger(v));
    const range = `${opts.minExclusive ? '>' : '≥'} ${min}${opts.max === undefined ? '' : ` and ≤ ${opts.max}`}`;
    return ok ? null : `expected ${opts.integer ? 'an integer' : 'a number'} ${range}, got ${describe(v)}`;
  };

const oneOf =
  (...allowed: unknown[]): FieldCheck =>
  (v) =>
    allowed.includes(v) ? null : `expected one of ${allowed.map(describe).join(', ')}, got ${describe(v)}`;

const bool: FieldCheck = (v) => (typeof v === 'boolean' ? null : `expected true or false, got ${describe(v)}`);

const text: FieldCheck = (v) => (typeof v === 'string' && v.length > 0 ? null : `expected a non-empty string, got ${describe(v)}`);

const list =
  (item: FieldCheck, length?: number, minLength = 1): FieldCheck =>
  (v) => {
    if (!Array.isArray(v)) return `expected an array, got ${describe(v)}`;
    if (length !== undefined && v.length !== length) return `expected ${length} items, got ${v.length}`;
    if (v.length < minLength) return `expected at least ${minLength} item(s), got ${v.length}`;
    for (let i = 0; i < v.length; i++) {
      const e = item(v[i]);
      if (e) return `item ${i}: ${e}`;
    }
    return null;
  };

const nullOr =
  (check: FieldCheck): FieldCheck =>
  (v) =>
    v === null ? null : check(v);

type Schema = { [K in keyof RetinaNetConfig]: RetinaNetConfig[K] extends object ? (RetinaNetConfig[K] extends unknown[] ? FieldCheck : { [F in keyof RetinaNetConfig[K]]-?: FieldCheck }) : FieldCheck };

/** Checker of every field; the key sets double as the list of known fields. */
export const CONFIG_SCHEMA: Schema = {
  name: text,
  numClasses: num(1, { integer: true }),
  inputSize: list(num(1, { integer: true }), 2),
  backbone: {
    depth: oneOf(18, 34, 50, 101),
    widthMultiplier: num(0, { minExclusive: true, max: 4 }),
    blocks: nullOr(list(num(1, { integer: true }), 4)),
    frozenStages: num(0, { integer: true, max: 4 }),
    norm: oneOf('frozen-bn', 'bn', 'gn'),
    pretrained: nullOr(text),
  },
  fpn: {
    inLevels: list(num(2, { integer: true, max: 5 })),
    outChannels: num(1, { integer: true }),
    extra: oneOf('p6p7', 'maxpool', 'none'),
    extraFrom: oneOf('c5', 'p5'),
    reluBeforeP7: bool,
  },
  head: {
    stackedConvs: num(0, { integer: true }),
    channels: num(1, { integer: true }),
    norm: oneOf('none', 'gn'),
    priorProbability: nullOr(num(0, { minExclusive: true, max: 0.999999 })),
  },
  anchors: {
    strides: list(num(1, { integer: true })),
    octaveBaseScale: num(0, { minExclusive: true }),
    scalesPerOctave: num(1, { integer: true }),
    ratios: list(num(0, { minExclusive: true })),
    centerOffset: num(0, { max: 1 }),
  },
  boxCoder: { stds: nullOr(list(num(0, { minExclusive: true }), 4)) },
  assigner: {
    posIouThr: num(0, { max: 1 }),
    negIouThr: num(0, { max: 1 }),
    minPosIou: num(0, { max: 1 }),
    matchLowQuality: bool,
    crowdIofThr: num(-1, { max: 1 }),
  },
  inference: {
    preNmsTopK: num(1, { integer: true }),
    scoreThreshold: num(0, { max: 1 }),
    nmsIouThreshold: num(0, { max: 1 }),
    maxDetections: num(1, { integer: true }),
  },
  train: {
    batchSize: num(1, { integer: true }),
    optimizer: oneOf('sgd', 'adamw'),
    lr: num(0, { minExclusive: true }),
    momentum: num(0, { max: 1 }),
    weightDecay: num(0),
    warmupIters: num(0, { integer: true }),
    warmupRatio: num(0, { max: 1 }),
    epochs: num(1, { integer: true }),
    lrSchedule: oneOf('step', 'cosine'),
    lrSteps: list(num(0), undefined, 0),
    gradClipNorm: num(0),
    trainPipeline: text,
    testPipeline: text,
    dataset: oneOf('shapes', 'coco'),
  },
};
