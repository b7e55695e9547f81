/**
 * Draws a head's training samples the way its loss declares (`DetectionLoss.sampler`,
 * docs/spec/detectors.md A.3 and C) with @apdet/ops' mmdet v2 samplers.
 */
import type { SamplerSpec } from '@apdet/losses';
import { pseudoSample, randomSample, type AssignResult, type SamplingResult } from '@apdet/ops';
import type { Rng } from '@apdet/rng';

/**
 * `pseudo`: every positive and negative, no GT added (draws nothing from `rng`);
 * `random`: mmdet's RandomSampler (positives drawn first, then negatives, from `rng`).
 * Indices in the result are ascending; with GT added, GT k is candidate k (before the others).
 */
export function drawSamples(assign: AssignResult, sampler: SamplerSpec, rng: Rng): SamplingResult {
  if (sampler.kind === 'pseudo') return pseudoSample(assign);
  return randomSample(
    assign,
    { num: sampler.num, posFraction: sampler.posFraction, addGtAsProposals: sampler.addGtAsProposals },
    rng,
  );
}
