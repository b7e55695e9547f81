/**
 * Samplers choosing which assigned candidates enter the loss (mmdet v2 `RandomSampler` /
 * `PseudoSampler`).
 */
import type { Rng } from '@apdet/rng';
import { type AssignResult, splitPositiveNegative } from './assign-result.js';
import { chooseWithoutReplacement } from './choose-without-replacement.js';

export interface SamplingResult {
  /** Sampled positive indices (ascending) into the candidate list — see `numGtProposals`. */
  positives: Int32Array;
  /** Sampled negative indices (ascending), same index space. */
  negatives: Int32Array;
  /** GT index (0-based) of each positive. */
  positiveGt: Int32Array;
  /**
   * Number of GT boxes prepended to the candidates (`addGtAsProposals`): index i < this is GT i
   * itself, index i ≥ this is original candidate i − numGtProposals. 0 otherwise.
   */
  numGtProposals: number;
}

export interface RandomSamplerOptions {
  /** Total samples per image (e.g. 256 for the RPN, 512 for the RoI head). */
  num: number;
  /** Target fraction of positives (e.g. 0.5 RPN, 0.25 RoI head). */
  posFraction: number;
  /** Max negatives per positive; < 0 = unbounded (default −1). */
  negPosUb?: number;
  /** Prepend the GT boxes as extra positive candidates (default false). */
  addGtAsProposals?: boolean;
}

function positiveGtOf(gtIndex: Int32Array, positives: Int32Array): Int32Array {
  return positives.map((i) => gtIndex[i] - 1);
}

/** PseudoSampler: every positive and every negative is used, no GT proposals. */
export function pseudoSample(assign: AssignResult): SamplingResult {
  const { positives, negatives } = splitPositiveNegative(assign.gtIndex);
  return { positives, negatives, positiveGt: positiveGtOf(assign.gtIndex, positives), numGtProposals: 0 };
}

/**
 * RandomSampler: up to ⌊num·posFraction⌋ positives drawn uniformly, then
 * `num − #positives` negatives (capped at ⌊negPosUb·max(1, #positives)⌋ if negPosUb ≥ 0).
 * Deterministic for a given `rng` state: positives are drawn first, then negatives, from the
 * same stream. Key the generator by what names the draw (e.g. seed, iteration, image) so the
 * sample does not depend on the order in which images are processed (packages/rng/README.md).
 *
 * @example
 * import { Rng } from '@apdet/rng';
 *
 * const rpn = randomSample(assign, { num: 256, posFraction: 0.5 }, Rng.from(seed, iteration, imageIndex));
 */
export function randomSample(assign: AssignResult, options: RandomSamplerOptions, rng: Rng): SamplingResult {
  const { num, posFraction } = options;
  if (!Number.isInteger(num) || num < 0)
    throw new RangeError(`randomSample: num must be a non-negative integer, got ${num}`);
  if (!(posFraction >= 0 && posFraction <= 1))
    throw new RangeError(`randomSample: posFraction must be in [0, 1], got ${posFraction}`);
  const addGts = (options.addGtAsProposals ?? false) && assign.numGts > 0;
  const gtIndex = addGts ? withGtProposals(assign) : assign.gtIndex;
  const { positives: allPos, negatives: allNeg } = splitPositiveNegative(gtIndex);
  const positives = chooseWithoutReplacement(allPos, Math.floor(num * posFraction), rng);
  let numNeg = num - positives.length;
  const ub = options.negPosUb ?? -1;
  if (ub >= 0) numNeg = Math.min(numNeg, Math.floor(ub * Math.max(1, positives.length)));
  const negatives = chooseWithoutReplacement(allNeg, numNeg, rng);
  return {
    positives,
    negatives,
    positiveGt: positiveGtOf(gtIndex, positives),
    numGtProposals: addGts ? assign.numGts : 0,
  };
}

/** mmdet `add_gt_`: GT k becomes a candidate assigned to itself, placed before the others. */
function withGtProposals(assign: AssignResult): Int32Array {
  const out = new Int32Array(assign.numGts + assign.gtIndex.length);
  for (let k = 0; k < assign.numGts; k++) out[k] = k + 1;
  out.set(assign.gtIndex, assign.numGts);
  return out;
}
