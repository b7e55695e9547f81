import os from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { ProxyJob, ProxyOutcome, ProxyTaskModule } from '../contract.js';
import { DEFAULT_QUEUE_NAME } from './bullmq-defaults.js';
import { throttleProgress } from './progress-throttle.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, waitForRedis } from './redis-ready.js';
import { parseRedisUrl } from './redis-url.js';
import { TaskProcess } from './task-process.js';

export interface BullmqWorkerOptions {
  /** Redis URL, e.g. `redis://10.0.0.5:6379`; the same Redis the search uses. */
  redis: string;
  /** The proxy task module, imported by this worker's task processes. */
  taskModule: ProxyTaskModule;
  /** Queue name; must match the search's. Default `apdet-search`. */
  queueName?: string;
  /** Jobs run at once by this worker, each in its own task process; default 1. */
  concurrency?: number;
  /**
   * How long a job's lock lasts without renewal, in ms; default 30 000. The worker renews it every
   * half period while the job runs; when the worker dies, the job is retried elsewhere once the
   * lock has expired and a stalled check (on any live worker) has seen it.
   */
  lockDurationMs?: number;
  /** How often this worker checks the queue for stalled (lost) jobs, in ms; default 30 000. */
  stalledIntervalMs?: number;
  /** How many times a job may be lost (its worker died) and retried before it fails; default 2. */
  maxStalledCount?: number;
  /** How often progress is written to the job (the heartbeat the search shows), in ms; default 1000. */
  progressIntervalMs?: number;
  /** Extra environment for the task processes (they already get single-thread hints). */
  env?: Record<string, string>;
  /** How long to wait for Redis to answer at start, in ms, before a clear error; default 10 000. */
  connectTimeoutMs?: number;
  /** Name recorded in outcomes; default `<hostname>:<pid>`. */
  name?: string;
  /** Receives one line per job event (started, finished, failed). */
  log?: (line: string) => void;
}

/** A running BullMQ worker. */
export interface BullmqWorkerHandle {
  readonly name: string;
  /**
   * Stops taking jobs and shuts down. By default waits for running jobs to finish; with
   * `force`, abandons them at once (their locks expire and other workers retry them).
   */
  close(options?: { force?: boolean }): Promise<void>;
}

/**
 * The worker side of the BullMQ runner (`apdet-search worker --redis <url>`): takes proxy jobs from
 * the queue and runs each in a child task process (so a crash costs a try, not the worker, and a
 * CPU-bound training never starves the lock renewal), heartbeats its progress with
 * `job.updateProgress`, and returns the outcome as the job's return value.
 *
 * Resolves once connected and the task module has loaded in a task process; a task module that
 * cannot be loaded rejects with a `UserError` before any job is taken.
 */
export async function runBullmqWorker(options: BullmqWorkerOptions): Promise<BullmqWorkerHandle> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`bullmq worker: concurrency must be a positive integer, got ${concurrency}`);
  const name = options.name ?? `${os.hostname()}:${process.pid}`;
  const log = options.log ?? (() => undefined);
  const idle = Array.from(
    { length: concurrency },
    () => new TaskProcess({ modulePath: options.taskModule.path, env: options.env }),
  );
  const all = [...idle];
  try {
    await Promise.all(all.map((p) => p.start()));
  } catch (error) {
    await Promise.all(all.map((p) => p.close()));
    throw error;
  }

  async function processJob(job: Job<ProxyJob, ProxyOutcome>): Promise<ProxyOutcome> {
    const proxyJob = job.data;
    if (typeof proxyJob?.key !== 'string' || !Array.isArray(proxyJob.theta)) {
      throw new UnrecoverableError(`job ${job.id} is not a proxy job (no key or theta in its data)`);
    }
    const taskProcess = idle.pop();
    if (taskProcess === undefined)
      throw new Error('bullmq worker: more jobs than task processes (concurrency mismatch)');
    const attempt = job.attemptsStarted;
    log(`${proxyJob.key}: started (attempt ${attempt}, job ${job.id})`);
    try {
      const heartbeat = throttleProgress(
        (progress) => job.updateProgress({ ...progress }),
        options.progressIntervalMs ?? 1000,
      );
      const result = await taskProcess.run(proxyJob, heartbeat);
      if (result.kind === 'lost') throw new Error(`${result.reason} (worker ${name})`);
      const outcome: ProxyOutcome = { ...result.outcome, worker: name, attempt };
      log(
        `${proxyJob.key}: ${outcome.failed ? `failed: ${outcome.reason}` : `reward ${outcome.reward}`} (${outcome.seconds.toFixed(1)} s)`,
      );
      return outcome;
    } finally {
      idle.push(taskProcess);
    }
  }

  const worker = new Worker<ProxyJob, ProxyOutcome>(options.queueName ?? DEFAULT_QUEUE_NAME, processJob, {
    connection: parseRedisUrl(options.redis),
    concurrency,
    name,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    maxStalledCount: options.maxStalledCount ?? 2,
    autorun: false,
  });
  worker.on('error', (error) => log(`redis: ${error.message}`));
  worker.on('failed', (job, error) => log(`${job?.data?.key ?? job?.id}: try failed: ${error.message}`));
  try {
    await waitForRedis(worker, options.redis, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
  } catch (error) {
    await worker.close(true);
    await Promise.all(all.map((p) => p.close()));
    throw error;
  }
  void worker
    .run()
    .catch((error: unknown) => log(`worker stopped: ${error instanceof Error ? error.message : String(error)}`));
  log(`worker ${name} ready on queue ${worker.name}, concurrency ${concurrency}`);

  return {
    name,
    async close({ force = false } = {}) {
      await worker.close(force);
      await Promise.all(all.map((p) => p.close()));
    },
  };
}
