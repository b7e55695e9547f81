import { Queue, type Job, type JobsOptions } from 'bullmq';
import type { ProxyJob, ProxyOutcome, ProxyProgress, ProxyRunner } from '../contract.js';
import {
  DEFAULT_BULLMQ_ATTEMPTS,
  DEFAULT_KEEP_FINISHED_SECONDS,
  DEFAULT_QUEUE_NAME,
  PROXY_JOB_NAME,
} from './bullmq-defaults.js';
import { queueJobId } from './job-id.js';
import { assertUniqueKeys } from './job-keys.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, waitForRedis } from './redis-ready.js';
import { parseRedisUrl, redactRedisUrl } from './redis-url.js';
import { attemptsText, failedOutcome, outcomeProblem } from './run-task-safely.js';

export interface BullmqRunnerOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379` (`rediss://` for TLS, `/<db>` to pick a database). */
  redis: string;
  /** Queue name; workers must serve the same one. Default `apdet-search`. */
  queueName?: string;
  /**
   * Tries per job when worker-side processing fails (the task process crashed, the worker could
   * not load the task module); default 3. Lost workers are handled by BullMQ's stalled-job check
   * on the worker side (see `runBullmqWorker`'s `maxStalledCount`), not by this count.
   */
  attempts?: number;
  /** Delay before a failed try is retried, in ms; default 1000. */
  retryDelayMs?: number;
  /** How often the runner looks at its jobs' states and progress, in ms; default 1000. */
  pollIntervalMs?: number;
  /** How long finished jobs are kept in Redis, in seconds; default 7 days. */
  keepFinishedSeconds?: number;
  /** How long to wait for Redis to answer on the first run, in ms, before a clear error; default 10 000. */
  connectTimeoutMs?: number;
  /** Receives one line per notable event (enqueued, failed, re-enqueued). */
  log?: (line: string) => void;
}

/**
 * The search side of the BullMQ runner: enqueues the round's jobs on a Redis-backed queue, served
 * by any number of `apdet-search worker` processes (see `runBullmqWorker`), and waits for them.
 *
 * Resumable by construction: job ids are derived from the job's content (see `queueJobId`), so a
 * restarted search that enqueues the same jobs again attaches to the queued, running or finished
 * ones instead of duplicating them; finished jobs stay in Redis (`keepFinishedSeconds`) to be
 * collected. The runner polls job states (rather than trusting an event stream it may have
 * missed while it was down), calls `onOutcome` once per key, one call at a time, and re-enqueues
 * a job that disappeared from Redis.
 */
export function createBullmqRunner(options: BullmqRunnerOptions): ProxyRunner {
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  const attempts = options.attempts ?? DEFAULT_BULLMQ_ATTEMPTS;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const keepSeconds = options.keepFinishedSeconds ?? DEFAULT_KEEP_FINISHED_SECONDS;
  const log = options.log ?? (() => undefined);
  const queue = new Queue<ProxyJob, unknown>(queueName, { connection: parseRedisUrl(options.redis) });
  queue.on('error', (error) => log(`redis: ${error.message}`));
  const jobOptions = (job: ProxyJob): JobsOptions => ({
    jobId: queueJobId(job),
    attempts,
    backoff: { type: 'fixed', delay: options.retryDelayMs ?? 1000 },
    removeOnComplete: { age: keepSeconds },
    removeOnFail: { age: keepSeconds },
  });
  let closed = false;
  let wakeUp: (() => void) | undefined;
  let connected: Promise<void> | undefined;

  async function enqueue(jobs: readonly ProxyJob[]): Promise<void> {
    await queue.addBulk(jobs.map((job) => ({ name: PROXY_JOB_NAME, data: job, opts: jobOptions(job) })));
  }

  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async function run(
    jobs: readonly ProxyJob[],
    onOutcome: (outcome: ProxyOutcome) => Promise<void>,
    onProgress?: (progress: ProxyProgress) => void,
  ): Promise<void> {
    if (closed) throw new Error('bullmq runner: run() after close()');
    assertUniqueKeys(jobs);
    connected ??= waitForRedis(queue, options.redis, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    await connected;
    await enqueue(jobs);
    const workers = await queue.getWorkersCount();
    log(`enqueued ${jobs.length} jobs on queue ${queueName}; ${workers} worker${workers === 1 ? '' : 's'} connected`);
    if (workers === 0)
      log(
        `no worker serves queue ${queueName} yet: start some with \`apdet-search worker --redis ${redactRedisUrl(options.redis)}\``,
      );
    const pending = new Map(jobs.map((job) => [queueJobId(job), job]));
    const lastProgress = new Map<string, string>();
    while (pending.size > 0) {
      for (const [id, job] of pending) {
        if (closed) throw new Error('bullmq runner: closed while jobs were running');
        const state = await queue.getJobState(id);
        if (state === 'unknown') {
          log(`${job.key}: job ${id} is gone from Redis; enqueueing it again`);
          await enqueue([job]);
        } else if (state === 'completed' || state === 'failed') {
          const queued = await queue.getJob(id);
          if (queued === undefined) continue; // removed between the two calls; found missing next poll
          pending.delete(id);
          const outcome = state === 'completed' ? completedOutcome(job, queued) : finalFailure(job, queued);
          if (outcome.failed) log(`${job.key}: failed: ${outcome.reason}`);
          await onOutcome(outcome);
        } else if (state === 'active' && onProgress !== undefined) {
          const progress = (await queue.getJob(id))?.progress;
          const seen = JSON.stringify(progress);
          if (isProgress(progress, job.key) && lastProgress.get(id) !== seen) {
            lastProgress.set(id, seen);
            onProgress(progress);
          }
        }
      }
      if (pending.size > 0) await pause(pollIntervalMs);
    }
  }

  async function close(): Promise<void> {
    closed = true;
    wakeUp?.();
    await queue.close();
  }

  return { name: 'bullmq', run, close };
}

/** The outcome a worker returned, checked; a malformed one becomes a failed outcome. */
function completedOutcome(job: ProxyJob, queued: Job<ProxyJob, unknown>): ProxyOutcome {
  const value = queued.returnvalue;
  const problem = outcomeProblem(value, job.key);
  if (problem !== undefined)
    return {
      ...failedOutcome(job, `the worker returned an invalid outcome: ${problem}`, 0),
      attempt: queued.attemptsStarted,
    };
  const outcome = value as ProxyOutcome;
  return { ...outcome, attempt: outcome.attempt ?? queued.attemptsStarted };
}

/** A job BullMQ gave up on (its tries or stall allowance used up): a failed outcome saying why. */
function finalFailure(job: ProxyJob, queued: Job<ProxyJob, unknown>): ProxyOutcome {
  const tries = Math.max(queued.attemptsStarted, queued.attemptsMade);
  const reason = `${queued.failedReason || 'the queue reported the job failed'}; gave up after ${attemptsText(tries)}`;
  return { ...failedOutcome(job, reason, 0), attempt: tries };
}

function isProgress(value: unknown, key: string): value is ProxyProgress {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as ProxyProgress).key === key &&
    typeof (value as ProxyProgress).fraction === 'number'
  );
}
