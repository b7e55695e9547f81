/**
 * The proxy task (paper-spec §8): one short training of the detector with a sampled
 * Parameterized AP loss on the proxy-train split, reward = COCO AP@[.5:.95] on proxy-val.
 * Runners load this module in their worker processes and call {@link runProxyJob}; a worker
 * process runs many jobs one after another, so each job cleans up its tensors and its
 * temporary run folder.
 */
import { existsSync, openSync, readSync, closeSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { isUserError, UserError } from '@apdet/io';
import type { ProxyJob, ProxyOutcome, ProxyProgress, RunProxyJob } from '@apdet/search';
import { parseFlags, runTraining, type RunIo } from '@apdet/train';
import { CollapseCounter } from './collapse-rule.js';
import { ensureProxySplit, type ProxySplitSpec } from './proxy-data.js';

/** `job.task` of a proxy job: plain JSON, so a worker on another machine can run it. */
export interface ProxyTaskSettings {
  detector: 'retinanet';
  /** The proxy split (rebuilt by the worker if its machine does not have it yet). */
  split: ProxySplitSpec;
  /** Proxy-train images used (the first n of the split's train part). */
  trainImages: number;
  /** Proxy-val images the reward is measured on (the first n of the split's val part). */
  valImages: number;
  epochs: number;
  /** A config preset name or a `--config` JSON object (`{"base": "retinanet-tiny", ...}`). */
  config: string | Record<string, unknown>;
  backend?: 'tensorflow' | 'wasm' | 'cpu';
  /**
   * An apdet-train checkpoint the proxy's backbone and FPN start from (`apdet-train --init`;
   * the head always starts fresh). Every worker must be able to read this path.
   */
  init?: string;
  /** Optional cap on optimisation steps (tests). */
  maxSteps?: number;
}

/** The loss every proxy training uses; θ only changes its parameters. */
export const PROXY_LOSS = 'param-ap';

const TEMP_PREFIX = 'apdet-proxy-';

/** Where temporary proxy run folders go (tests point it elsewhere to check the cleanup). */
export function proxyTempRoot(): string {
  return process.env.APDET_PROXY_TMP ?? os.tmpdir();
}

/** Thrown from the progress hook to stop a collapsing training (caught below). */
class CollapseStop extends Error {}

/**
 * Trains the detector with `job.lossParams` and returns the reward. A collapsed (§7.5) or
 * diverged (non-finite loss) training is a `failed` outcome with reward 0; any other error is
 * thrown, for the runner to retry or report (a broken setup fails every job the same way).
 */
export const runProxyJob: RunProxyJob = async (job: ProxyJob, onProgress: (p: ProxyProgress) => void): Promise<ProxyOutcome> => {
  const started = performance.now();
  const task = checkTask(job);
  const outcome = (reward: number, failed: boolean, reason?: string): ProxyOutcome => ({
    key: job.key,
    reward,
    failed,
    ...(reason === undefined ? {} : { reason }),
    seconds: (performance.now() - started) / 1000,
  });
  await ensureProxySplit(task.split);
  const dir = await mkdtemp(path.join(proxyTempRoot(), TEMP_PREFIX));
  const variablesBefore = new Set(Object.keys(tf.engine().registeredVariables));
  const counter = new CollapseCounter();
  try {
    const argv = await trainingArgs(job, task, dir);
    const watch = new TrainingWatch(path.join(dir, 'run', 'metrics.jsonl'), counter, (fraction) => onProgress({ key: job.key, fraction, message: 'training' }));
    onProgress({ key: job.key, fraction: 0, message: 'starting' });
    let ap: number;
    try {
      const result = await runTraining(parseFlags(argv), watch.io());
      ap = result.stats?.[0] ?? 0;
    } catch (error) {
      if (error instanceof CollapseStop) return outcome(0, true, counter.describe());
      if (isUserError(error) && /training diverged/.test(error.message)) return outcome(0, true, error.message);
      throw error;
    }
    watch.catchUp();
    // The hook lags one step behind the metrics file; the rule still holds at the very end.
    if (counter.failed) return outcome(0, true, counter.describe());
    onProgress({ key: job.key, fraction: 1, message: 'evaluated' });
    // COCO's -1 means "no ground truth in this split": no signal, not a negative reward.
    return outcome(Math.max(0, ap), false);
  } finally {
    disposeNewVariables(variablesBefore);
    await rm(dir, { recursive: true, force: true });
  }
};

function checkTask(job: ProxyJob): ProxyTaskSettings {
  const t = job.task as Partial<ProxyTaskSettings>;
  const problem = (what: string): never => {
    throw new UserError(`proxy job ${job.key}: task.${what}`);
  };
  if (t.detector !== 'retinanet') problem(`detector must be 'retinanet', got ${JSON.stringify(t.detector)}`);
  if (t.split === undefined || typeof t.split.dir !== 'string') problem('split is missing');
  for (const key of ['trainImages', 'valImages', 'epochs'] as const) {
    if (!Number.isInteger(t[key]) || (t[key] as number) < 1) problem(`${key} must be a positive integer, got ${JSON.stringify(t[key])}`);
  }
  if (typeof t.config !== 'string' && (typeof t.config !== 'object' || t.config === null)) problem('config must be a preset name or an object');
  if (t.init !== undefined && typeof t.init !== 'string') problem(`init must be a checkpoint path, got ${JSON.stringify(t.init)}`);
  return t as ProxyTaskSettings;
}

/** apdet-train's command line for this job (the loss params and config go to files in `dir`). */
async function trainingArgs(job: ProxyJob, task: ProxyTaskSettings, dir: string): Promise<string[]> {
  const lossParamsFile = path.join(dir, 'loss-params.json');
  await writeFile(lossParamsFile, JSON.stringify(job.lossParams));
  let config: string;
  if (typeof task.config === 'string') config = task.config;
  else {
    config = path.join(dir, 'proxy-config.json');
    await writeFile(config, JSON.stringify(task.config));
  }
  const args = [
    task.detector,
    ...['--loss', PROXY_LOSS, '--loss-params', lossParamsFile, '--config', config],
    ...['--data', task.split.dir, '--train-images', String(task.trainImages), '--val-images', String(task.valImages)],
    ...['--epochs', String(task.epochs), '--seed', String(job.seed), '--out', path.join(dir, 'run')],
    // Every step's loss goes to metrics.jsonl, where the failure rule reads it.
    ...['--eval-every', '0', '--log-every', '1', '--threads', '1'],
  ];
  if (task.backend !== undefined) args.push('--backend', task.backend);
  if (task.init !== undefined) args.push('--init', task.init);
  if (task.maxSteps !== undefined) args.push('--max-steps', String(task.maxSteps));
  return args;
}

/**
 * Watches a training through apdet-train's plain-line progress (one line per step with
 * `--log-every 1`): the `(iter i/n)` of each line is the progress, and the step losses at full
 * precision are read from metrics.jsonl as it grows. Throwing from the progress stream is the
 * only way to stop runTraining early; it propagates out of the training loop.
 */
class TrainingWatch {
  private offset = 0;
  private pending = '';

  constructor(
    private readonly metricsFile: string,
    private readonly counter: CollapseCounter,
    private readonly progress: (fraction: number) => void,
  ) {}

  io(): RunIo {
    const silent = (): void => {};
    return {
      log: silent,
      out: silent,
      progressStream: {
        isTTY: false,
        write: (text: string) => {
          const m = /\(iter (\d+)\/(\d+)\)/.exec(text);
          if (m === null) return true;
          this.catchUp();
          if (this.counter.failed) throw new CollapseStop();
          this.progress(Number(m[1]) / Math.max(1, Number(m[2])));
          return true;
        },
      },
    };
  }

  /** Feeds the metrics lines written since the last call to the failure counter. */
  catchUp(): void {
    if (!existsSync(this.metricsFile)) return;
    const fd = openSync(this.metricsFile, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, this.offset);
        if (n === 0) break;
        this.offset += n;
        this.pending += buffer.toString('utf8', 0, n);
      }
    } finally {
      closeSync(fd);
    }
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      const metric = JSON.parse(line) as { type: string; loss?: number | null };
      // JSON has no NaN: a non-finite loss is written as null.
      if (metric.type === 'train') this.counter.observe(typeof metric.loss === 'number' ? metric.loss : Number.NaN);
    }
  }
}

/**
 * runTraining keeps its model and optimiser to itself, so the variables a job created are
 * disposed here; without this a worker serving hundreds of jobs would grow without bound.
 */
function disposeNewVariables(before: ReadonlySet<string>): void {
  const registered = tf.engine().registeredVariables;
  for (const [name, variable] of Object.entries(registered)) {
    if (!before.has(name)) variable.dispose();
  }
}
