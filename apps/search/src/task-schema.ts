/**
 * The proxy task (`job.task` of every proxy job, stored in state.json as `task`): its schema,
 * type and parser. Plain JSON, so a worker on another machine can run the job.
 */
import { schemaErrorLine, UserError } from '@apdet/io';
import { z } from 'zod';

/** `expected <what>, got <value>` for every issue of a field. */
const expected = (what: string) => (issue: { input?: unknown }) =>
  `expected ${what}, got ${issue.input === undefined ? 'nothing' : JSON.stringify(issue.input)}`;

const positiveInt = z
  .number({ error: expected('a positive integer') })
  .refine(Number.isInteger)
  .min(1);
const path = z.string({ error: expected('a path') }).min(1);

/** Where a proxy split comes from (see `ProxySplitSpec` in proxy-data.ts). */
const PROXY_SPLIT_SCHEMA = z.object(
  {
    /** Dataset folder with instances_train.json and train/ (the built-in shapes dataset by default). */
    sourceDir: path,
    /** True for the built-in shapes dataset: generated on first use when missing. */
    builtInShapes: z.boolean({ error: expected('true or false') }),
    /** Fraction of the training images in proxy-train (the rest is proxy-val). */
    ratio: z.number({ error: expected('a number') }),
    seed: z.number({ error: expected('an integer') }).refine(Number.isInteger),
    /** The split's folder. */
    dir: path,
  },
  { error: expected('an object { sourceDir, builtInShapes, ratio, seed, dir }') },
);

/** Schema of {@link ProxyTaskSettings}; unknown fields are ignored. */
export const PROXY_TASK_SCHEMA = z.object(
  {
    /** The detector's registry name (the registry of detectors checks that it exists). */
    detector: z.string({ error: expected('a detector name') }).min(1),
    /** The proxy split (rebuilt by the worker if its machine does not have it yet). */
    split: PROXY_SPLIT_SCHEMA,
    /** Proxy-train images used (the first n of the split's train part). */
    trainImages: positiveInt,
    /** Proxy-val images the reward is measured on (the first n of the split's val part). */
    valImages: positiveInt,
    /** Epochs of each proxy training. */
    epochs: positiveInt,
    /** A config preset name or a `--config` JSON object (`{"base": "retinanet-tiny", ...}`). */
    config: z.union([z.string(), z.record(z.string(), z.unknown())], {
      error: expected('a preset name or a config object'),
    }),
    /** The tfjs backend of the proxy trainings. */
    backend: z
      .enum(['tensorflow', 'webgpu', 'wasm', 'cpu'], { error: expected("'tensorflow', 'webgpu', 'wasm' or 'cpu'") })
      .optional(),
    /**
     * An apdet-train checkpoint the proxy's backbone and FPN start from (`apdet-train --init`;
     * the head always starts fresh). Every worker must be able to read this path.
     */
    init: path.optional(),
    /** Optional cap on optimisation steps (tests). */
    maxSteps: positiveInt.optional(),
  },
  { error: expected('an object of proxy task settings') },
);

/** `job.task` of a proxy job. */
export type ProxyTaskSettings = z.output<typeof PROXY_TASK_SCHEMA>;

/**
 * Validates a proxy task. Errors are one-line UserErrors `<source>: <field>: <problem>`; `field`
 * names the task inside `source` when it is part of something larger.
 *
 * @example
 * parseProxyTask(job.task, `proxy job ${job.key}`, 'task');
 * // → "proxy job r2-s3: task.epochs: expected a positive integer, got 0"
 */
export function parseProxyTask(json: unknown, source: string, field?: string): ProxyTaskSettings {
  const result = PROXY_TASK_SCHEMA.safeParse(json);
  if (result.success) return result.data;
  throw new UserError(schemaErrorLine(result.error.issues[0], source, field), { cause: result.error });
}
