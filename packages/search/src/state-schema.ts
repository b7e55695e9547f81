/**
 * The schema of `state.json` (format "apdet-search-state", version 1): the types of a search's
 * state and the checks a stored state must pass before a search resumes from it.
 */
import { HEAD_KINDS, PAP_FUNCTION_ORDER } from '@apdet/losses';
import type { RngState } from '@apdet/rng';
import { z } from 'zod';
import type { PpoSettings } from './ppo.js';
import { spaceDims, validateSearchSpace, type SearchSpace } from './search-space.js';

export const STATE_FORMAT = 'apdet-search-state';
export const STATE_VERSION = 1;

const finite = z.number();
const numbers = z.array(finite);
/** A number that JSON stores as null when it is not finite (NaN, ±Infinity); read back as NaN. */
const numberOrNaN = z.union([finite, z.null().transform(() => Number.NaN)]);
const positiveInt = z.number().int().min(1);

/** A search space as `validateSearchSpace` (search-space.ts) accepts it. */
const SEARCH_SPACE_SCHEMA: z.ZodType<SearchSpace> = z
  .object({
    name: z.string(),
    heads: z
      .array(z.object({ kind: z.enum(HEAD_KINDS).nullable(), functions: z.array(z.enum(PAP_FUNCTION_ORDER)) }))
      .min(1),
    paramsPerFunction: z.literal([4, 8, 12]),
  })
  .superRefine((space, ctx) => {
    try {
      validateSearchSpace(space, 'space');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.addIssue({ code: 'custom', message: message.replace(/^space: /, ''), input: space });
    }
  });

/** PPO settings (see `PpoSettings` in ppo.ts for each field). */
const PPO_SETTINGS_SCHEMA: z.ZodType<PpoSettings> = z.object({
  steps: positiveInt,
  lr: finite,
  warmupSteps: finite,
  clipEps: finite,
  beta1: finite,
  beta2: finite,
  adamEps: finite,
});

/** The four words of an `Rng` state (see @apdet/rng). */
const word = z.number().int().min(0).max(0xffffffff);
const RNG_STATE_SCHEMA: z.ZodType<RngState> = z.tuple([word, word, word, word], {
  error: (issue) => `expected 4 unsigned 32-bit integers, got ${JSON.stringify(issue.input) ?? 'nothing'}`,
});

/** Everything that defines a search; a resume must match it exactly. */
export const SEARCH_SETTINGS_SCHEMA = z.object({
  space: SEARCH_SPACE_SCHEMA,
  rounds: positiveInt,
  samples: positiveInt,
  seed: z.number().int(),
  /** σ0 of every dimension. */
  sigma0: z.number().gt(0),
  /** μ0 (in (0, 1)), one per θ dimension. */
  muInit: z.array(z.number().gt(0).lt(1)),
  ppo: PPO_SETTINGS_SCHEMA,
});

/** One finished (or failed) proxy training. */
export const SAMPLE_RECORD_SCHEMA = z.object({
  reward: finite,
  failed: z.boolean(),
  reason: z.string().optional(),
  seconds: finite,
  worker: z.string().optional(),
  attempt: z.number().int().optional(),
});

/** The round being sampled: its θ and seeds are fixed before any job starts, so a resume redraws nothing. */
export const ROUND_IN_PROGRESS_SCHEMA = z.object({
  round: z.number().int(),
  /** σ the θ were drawn with. */
  sigma: numbers,
  thetas: z.array(numbers),
  seeds: z.array(z.number().int()),
  /** One entry per sample: null until its outcome is recorded. */
  outcomes: z.array(SAMPLE_RECORD_SCHEMA.nullable()),
  /** Wall seconds spent in this round so far (summed over interrupted processes), as of the last save. */
  wallSeconds: finite,
});

/** Summary statistics of a round's rewards (std is the population std, ddof 0). */
export const REWARD_STATS_SCHEMA = z.object({ mean: finite, std: finite, min: finite, max: finite });

/** A finished round: its samples, the update it made, and its summary (one `rounds.jsonl` line). */
export const ROUND_RECORD_SCHEMA = z.object({
  round: z.number().int(),
  /** σ used to sample this round (σ_old of its update). */
  sigma: numbers,
  /** σ for the next round (σ_new of its update). */
  sigmaNext: numbers,
  /** μ = sigmoid(mu_x) before the update. */
  muBefore: numbers,
  /** μ = sigmoid(mu_x) after the update. */
  muAfter: numbers,
  thetas: z.array(numbers),
  seeds: z.array(z.number().int()),
  samples: z.array(SAMPLE_RECORD_SCHEMA),
  rewards: REWARD_STATS_SCHEMA,
  failed: z.number().int(),
  /** Σ of the samples' training seconds. */
  trainSeconds: finite,
  /** The round's wall seconds (across resumes). */
  wallSeconds: finite,
  /** Surrogate J at the first and last inner step (NaN when not finite); non-finite steps skipped. */
  ppo: z.object({ objectiveFirst: numberOrNaN, objectiveLast: numberOrNaN, skippedSteps: z.number().int() }),
});

/** `state.json`: written atomically after every recorded outcome and every round. */
export const SEARCH_STATE_SCHEMA = z
  .object({
    format: z.literal(STATE_FORMAT),
    version: z.literal(STATE_VERSION),
    settings: SEARCH_SETTINGS_SCHEMA,
    /** Task settings of the proxy jobs (opaque here), as given when the search started. */
    task: z.record(z.string(), z.unknown()),
    /** The round to run next (= finished rounds); equals `settings.rounds` when complete. */
    round: z.number().int().min(0),
    /** Policy location in logit space (exact doubles; μ = sigmoid(muX)). */
    muX: numbers,
    /** sigmoid(muX), for people and plots. */
    mu: numbers,
    /** σ of round `round`. */
    sigma: numbers,
    /** The θ stream after the last drawn round. */
    rng: RNG_STATE_SCHEMA,
    current: ROUND_IN_PROGRESS_SCHEMA.nullable(),
    history: z.array(ROUND_RECORD_SCHEMA),
    completed: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .superRefine((s, ctx) => {
    const problem = stateProblem(s);
    if (problem !== null) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message, input: s });
  });

/** The first inconsistency between the fields of a state whose fields each have the right type. */
function stateProblem(s: z.output<typeof SEARCH_STATE_SCHEMA>): { path: (string | number)[]; message: string } | null {
  const { rounds, samples, muInit, space } = s.settings;
  const dims = spaceDims(space);
  const count = (path: (string | number)[], values: readonly unknown[], n: number, what: string) =>
    values.length === n ? null : { path, message: `expected ${n} ${what}, got ${values.length}` };
  const dimsWhat = `numbers (the dimensions of search space '${space.name}')`;
  const vectors: [string[], number[]][] = [
    [['settings', 'muInit'], muInit],
    [['muX'], s.muX],
    [['mu'], s.mu],
    [['sigma'], s.sigma],
  ];
  for (const [path, values] of vectors) {
    const bad = count(path, values, dims, dimsWhat);
    if (bad !== null) return bad;
  }
  if (s.round > rounds) return { path: ['round'], message: `expected an integer in [0, ${rounds}], got ${s.round}` };
  const history = count(['history'], s.history, s.round, `records (one per finished round)`);
  if (history !== null) return history;
  const c = s.current;
  if (c === null) return null;
  if (c.round !== s.round) {
    return { path: ['current', 'round'], message: `expected ${s.round} (the round to run next), got ${c.round}` };
  }
  for (const key of ['thetas', 'seeds', 'outcomes'] as const) {
    const bad = count(['current', key], c[key], samples, `entries (one per sample)`);
    if (bad !== null) return bad;
  }
  for (let n = 0; n < c.thetas.length; n++) {
    const bad = count(['current', 'thetas', n], c.thetas[n], dims, 'numbers');
    if (bad !== null) return bad;
  }
  return count(['current', 'sigma'], c.sigma, dims, 'numbers');
}

/** Everything that defines a search; a resume must match it exactly. */
export type SearchSettings = z.output<typeof SEARCH_SETTINGS_SCHEMA>;
/** One finished (or failed) proxy training. */
export type SampleRecord = z.output<typeof SAMPLE_RECORD_SCHEMA>;
/** The round being sampled (see {@link ROUND_IN_PROGRESS_SCHEMA}). */
export type RoundInProgress = z.output<typeof ROUND_IN_PROGRESS_SCHEMA>;
/** Summary statistics of a round's rewards (std is the population std, ddof 0). */
export type RewardStats = z.output<typeof REWARD_STATS_SCHEMA>;
/** A finished round (see {@link ROUND_RECORD_SCHEMA}). */
export type RoundRecord = z.output<typeof ROUND_RECORD_SCHEMA>;
/** `state.json` (see {@link SEARCH_STATE_SCHEMA}). */
export type SearchState = z.output<typeof SEARCH_STATE_SCHEMA>;
