import { CocoInputError } from './errors.js';

/** A labelled, inclusive object-area range `[lo, hi]` (in pixels²). */
export interface AreaRange {
  readonly label: string;
  readonly range: readonly [number, number];
}

/** Evaluation parameters. {@link defaultParams} reproduces pycocotools' `Params(iouType='bbox')`. */
export interface EvalParams {
  /** IoU thresholds (T). Default: `np.linspace(.5, .95, 10)` exactly (note `0.8999999999999999`). */
  readonly iouThrs: readonly number[];
  /** Recall thresholds (R). Default: `np.linspace(0, 1, 101)` exactly. */
  readonly recThrs: readonly number[];
  /** Detections kept per (image, category), ascending (M). Default `[1, 10, 100]`. */
  readonly maxDets: readonly number[];
  /** Area ranges (A), inclusive on both ends. Default all / small / medium / large. */
  readonly areaRanges: readonly AreaRange[];
  /** Match detections to GTs of the same category only (pycocotools `useCats = 1`). */
  readonly useCats: boolean;
}

/** Options accepted by the evaluator; anything left out takes its pycocotools default. */
export type EvalOptions = Partial<EvalParams>;

/**
 * Reproduces `numpy.linspace(start, stop, num)` bit for bit: `i * step + start` with
 * `step = (stop - start) / (num - 1)` and the last value set to `stop`. pycocotools compares
 * IoUs against these exact doubles (e.g. `0.8999999999999999`, not `0.9`).
 */
export function linspace(start: number, stop: number, num: number): number[] {
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const values: number[] = [];
  for (let i = 0; i < num; i++) values.push(i * step + start);
  values[num - 1] = stop;
  return values;
}

export const DEFAULT_AREA_RANGES: readonly AreaRange[] = [
  { label: 'all', range: [0, 1e10] },
  { label: 'small', range: [0, 32 ** 2] },
  { label: 'medium', range: [32 ** 2, 96 ** 2] },
  { label: 'large', range: [96 ** 2, 1e10] },
];

/** pycocotools' default bbox parameters. */
export function defaultParams(): EvalParams {
  return {
    // pycocotools: np.linspace(.5, 0.95, int(np.round((0.95 - .5) / .05)) + 1)
    iouThrs: linspace(0.5, 0.95, 10),
    recThrs: linspace(0, 1, 101),
    maxDets: [1, 10, 100],
    areaRanges: DEFAULT_AREA_RANGES,
    useCats: true,
  };
}

/** Merges user options over the defaults and checks them (throws {@link CocoInputError}). */
export function resolveParams(options: EvalOptions = {}): EvalParams {
  const base = defaultParams();
  const params: EvalParams = {
    iouThrs: options.iouThrs ?? base.iouThrs,
    recThrs: options.recThrs ?? base.recThrs,
    maxDets: options.maxDets ?? base.maxDets,
    areaRanges: options.areaRanges ?? base.areaRanges,
    useCats: options.useCats ?? base.useCats,
  };
  checkSortedUnit('iouThrs', params.iouThrs);
  checkSortedUnit('recThrs', params.recThrs);
  checkMaxDets(params.maxDets);
  checkAreaRanges(params.areaRanges);
  return params;
}

function checkSortedUnit(name: string, values: readonly number[]): void {
  if (values.length === 0) throw new CocoInputError(`params.${name} must not be empty`);
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new CocoInputError(`params.${name}[${i}] is ${String(v)}, expected a number in [0, 1]`);
    }
    if (i > 0 && v <= values[i - 1])
      throw new CocoInputError(`params.${name} must be strictly increasing (index ${i})`);
  });
}

function checkMaxDets(values: readonly number[]): void {
  if (values.length === 0) throw new CocoInputError('params.maxDets must not be empty');
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 1)
      throw new CocoInputError(`params.maxDets[${i}] is ${String(v)}, expected a positive integer`);
    // pycocotools sorts maxDets; we require the order so index m always means the same thing.
    if (i > 0 && v <= values[i - 1]) throw new CocoInputError('params.maxDets must be strictly increasing');
  });
}

function checkAreaRanges(ranges: readonly AreaRange[]): void {
  if (ranges.length === 0) throw new CocoInputError('params.areaRanges must not be empty');
  const labels = new Set<string>();
  ranges.forEach((r, i) => {
    const [lo, hi] = r.range ?? [];
    if (typeof r.label !== 'string' || r.label === '')
      throw new CocoInputError(`params.areaRanges[${i}] needs a non-empty label`);
    if (labels.has(r.label)) throw new CocoInputError(`params.areaRanges: duplicate label "${r.label}"`);
    labels.add(r.label);
    if (typeof lo !== 'number' || typeof hi !== 'number' || Number.isNaN(lo) || Number.isNaN(hi) || lo > hi) {
      throw new CocoInputError(`params.areaRanges[${i}] ("${r.label}") must be [lo, hi] with lo <= hi`);
    }
  });
}
