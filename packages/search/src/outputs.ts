import path from 'node:path';
import { atomicWriteFile, atomicWriteJson } from '@apdet/io';
import { thetaToLossParams, type PapLossParams } from './loss-params.js';
import type { RoundRecord, SearchState } from './state.js';

export const ROUNDS_FILE = 'rounds.jsonl';
export const FINAL_PARAMS_FILE = 'final-params.json';

/** One `rounds.jsonl` line: a finished round's summary. */
export interface RoundLine {
  round: number;
  /** σ the round sampled with (the same in every dimension). */
  sigma: number;
  /** σ of the next round. */
  sigmaNext: number;
  /** μ after the round's update. */
  mu: number[];
  rewards: RoundRecord['rewards'];
  failed: number;
  trainSeconds: number;
  wallSeconds: number;
  ppo: RoundRecord['ppo'];
}

export function roundLine(record: RoundRecord): RoundLine {
  return {
    round: record.round,
    sigma: record.sigma[0],
    sigmaNext: record.sigmaNext[0],
    mu: record.muAfter,
    rewards: record.rewards,
    failed: record.failed,
    trainSeconds: record.trainSeconds,
    wallSeconds: record.wallSeconds,
    ppo: record.ppo,
  };
}

/**
 * Rewrites `rounds.jsonl` from the state's history (atomically). Deriving it from the state,
 * instead of appending, keeps it exact when a search is killed between the two writes.
 */
export async function writeRoundsFile(dir: string, state: SearchState): Promise<void> {
  const text = state.history.map((r) => `${JSON.stringify(roundLine(r))}\n`).join('');
  await atomicWriteFile(path.join(dir, ROUNDS_FILE), text);
}

/** The `--loss-params` file for the current policy location μ, with a `meta` field describing where it came from. */
export function finalParams(state: SearchState): PapLossParams {
  const last = state.history.at(-1);
  return thetaToLossParams(state.settings.space, state.mu, {
    generator: '@apdet/search',
    space: state.settings.space.name,
    roundsDone: state.round,
    rounds: state.settings.rounds,
    samples: state.settings.samples,
    seed: state.settings.seed,
    completed: state.completed,
    lastRoundMeanReward: last?.rewards.mean ?? null,
    note: 'policy location μ after the last finished round (docs/spec/paper-spec.md §7.2: the final mean, not the best sample)',
    updatedAt: state.updatedAt,
  });
}

/** Writes `final-params.json` (atomically), usable with `--loss param-ap --loss-params <file>` at any time. */
export async function writeFinalParams(dir: string, state: SearchState): Promise<PapLossParams> {
  const params = finalParams(state);
  await atomicWriteJson(path.join(dir, FINAL_PARAMS_FILE), params);
  return params;
}
