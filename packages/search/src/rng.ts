import { Rng } from '@apdet/rng';

/**
 * The training seed of proxy job (round, sample) of a search seeded `searchSeed`: a 31-bit
 * integer that depends only on these three numbers, so a retried or resumed job trains with
 * the same seed on any worker. (The search's own sampler is @apdet/rng's `Rng`, whose state
 * `state.json` saves and `--resume` restores.)
 */
export function proxySeed(searchSeed: number, round: number, sample: number): number {
  return Rng.from(searchSeed, round, sample, 0x5eed).nextUint32() >>> 1;
}
