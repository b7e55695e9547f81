/**
 * The proxy task (docs/spec/paper-spec.md §8): one short training of the detector with a
 * sampled Parameterized AP loss on the proxy-train split, reward = COCO AP@[.5:.95] on
 * proxy-val. Runners load this module in their worker processes and call {@link runProxyJob};
 * a worker process runs many jobs one after another, so each job leaves no tensor and no
 * temporary run folder behind (runTraining disposes its model and optimiser).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { removeOnExit, removeStaleTemps, tempPrefix } from '@apdet/io';
import type { ProxyJob, ProxyOutcome, ProxyProgress, RunProxyJob } from '@apdet/search';
import { buildRunSettings, runTraining, SILENT_IO, TrainingDivergedError } from '@apdet/train';
import { CollapseCounter } from './collapse-rule.js';
import { ensureProxySplit } from './proxy-data.js';
import { parseProxyTask, type ProxyTaskSettings } from './task-schema.js';

export type { ProxyTaskSettings } from './task-schema.js';

/** The loss every proxy training uses; θ only changes its parameters. */
export const PROXY_LOSS = 'param-ap';

const TEMP_PREFIX = 'apdet-proxy-';

/** Where temporary proxy run folders go (tests point it elsewhere to check the cleanup). */
export function proxyTempRoot(): string {
  return process.env.APDET_PROXY_TMP ?? os.tmpdir();
}

/** The training settings of a proxy job: the task's detector, config and split, the job's loss params and seed. */
function proxySettings(job: ProxyJob, task: ProxyTaskSettings) {
  return buildRunSettings({
    detector: task.detector,
    loss: PROXY_LOSS,
    lossParams: { json: job.lossParams, source: `proxy job ${job.key}: lossParams` },
    config:
      typeof task.config === 'string'
        ? task.config
        : { json: task.config, source: `proxy job ${job.key}: task.config` },
    data: task.split.dir,
    trainImages: task.trainImages,
    valImages: task.valImages,
    epochs: task.epochs,
    seed: job.seed,
    evalEvery: 0,
    // One core per proxy: the runner trains several side by side.
    threads: 1,
    ...(task.backend === undefined ? {} : { backend: task.backend }),
    ...(task.init === undefined ? {} : { init: task.init }),
    ...(task.maxSteps === undefined ? {} : { maxSteps: task.maxSteps }),
  });
}

/**
 * Trains the detector with `job.lossParams` and returns the reward. A collapsed (§7.5) or
 * diverged (non-finite loss) training is a `failed` outcome with reward 0; any other error is
 * thrown, for the runner to retry or report (a broken setup fails every job the same way).
 */
export const runProxyJob: RunProxyJob = async (
  job: ProxyJob,
  onProgress: (p: ProxyProgress) => void,
): Promise<ProxyOutcome> => {
  const started = performance.now();
  const task = parseProxyTask(job.task, `proxy job ${job.key}`, 'task');
  const outcome = (reward: number, failed: boolean, reason?: string): ProxyOutcome => ({
    key: job.key,
    reward,
    failed,
    ...(reason === undefined ? {} : { reason }),
    seconds: (performance.now() - started) / 1000,
  });
  await ensureProxySplit(task.split);
  const settings = proxySettings(job, task);
  // The temporary run folder is named after this process and removed when the job ends, when
  // the worker is stopped (SIGTERM from the runner, Ctrl-C) or exits; the folders of workers
  // that were killed outright are removed by the next job (issue 22 item 17).
  await removeStaleTemps(proxyTempRoot(), TEMP_PREFIX);
  const dir = await mkdtemp(path.join(proxyTempRoot(), tempPrefix(TEMP_PREFIX)));
  const release = removeOnExit(dir);
  const counter = new CollapseCounter();
  try {
    onProgress({ key: job.key, fraction: 0, message: 'starting' });
    let stats: readonly number[] | null;
    try {
      const result = await runTraining(
        { settings, runDir: path.join(dir, 'run'), resumeFrom: null },
        {
          io: SILENT_IO,
          report: false,
          hooks: {
            afterStep: (step) => {
              counter.observe(step.loss);
              onProgress({ key: job.key, fraction: step.iter / Math.max(1, step.stopIter), message: 'training' });
              return counter.failed ? 'stop' : undefined;
            },
          },
        },
      );
      stats = result.stats;
    } catch (error) {
      if (error instanceof TrainingDivergedError) return outcome(0, true, error.message);
      throw error;
    }
    if (counter.failed || stats === null) return outcome(0, true, counter.describe());
    onProgress({ key: job.key, fraction: 1, message: 'evaluated' });
    // COCO's -1 means "no ground truth in this split": no signal, not a negative reward.
    return outcome(Math.max(0, stats[0] ?? 0), false);
  } finally {
    await rm(dir, { recursive: true, force: true });
    release();
  }
};
