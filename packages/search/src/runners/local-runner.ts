import os from 'node:os';
import type { ProxyJob, ProxyOutcome, ProxyProgress, ProxyRunner, ProxyTaskModule } from '../contract.js';
import { assertUniqueKeys } from './job-keys.js';
import { attemptsText, failedOutcome } from './run-task-safely.js';
import { createSerializer } from './serial.js';
import { TaskProcess } from './task-process.js';

/** How many times a job is tried when its worker process keeps dying (1 try + 2 retries). */
export const DEFAULT_MAX_ATTEMPTS = 3;

export interface LocalRunnerOptions {
  /** The proxy task, imported by every worker process. */
  taskModule: ProxyTaskModule;
  /** Worker processes, each running one job at a time. Default: the number of CPU cores. */
  workers?: number;
  /**
   * Tries per job when the worker process running it dies (crash, OOM kill, signal); default 3.
   * After the last, the job ends as a `failed` outcome whose reason says why.
   */
  maxAttempts?: number;
  /** Extra environment for the worker processes (they already get single-thread hints). */
  env?: Record<string, string>;
  /** Receives one line per notable event (retries, failures). */
  log?: (line: string) => void;
}

interface QueuedJob {
  job: ProxyJob;
  attempt: number;
}

/**
 * A runner that executes proxy jobs in worker processes on this machine: `workers` child
 * processes, each running one job at a time through the task module's `runProxyJob`.
 *
 * Failures are of two kinds. A worker process that exits mid-job (crash, `kill -9`, OOM) is an
 * infrastructure failure: the same job (same θ and seed) is retried on a fresh process, up to
 * `maxAttempts` tries. A task that throws or returns `failed` is a task failure: recorded as a
 * `failed` outcome at once, never retried. A task module that cannot be loaded rejects `run()`.
 *
 * Outcomes are delivered one at a time (never two `onOutcome` calls at once), and a worker
 * slot gets its next job only after `onOutcome` for its last one has resolved.
 */
export function createLocalRunner(options: LocalRunnerOptions): ProxyRunner {
  const workers = options.workers ?? os.availableParallelism?.() ?? os.cpus().length;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(workers) || workers < 1)
    throw new Error(`local runner: workers must be a positive integer, got ${workers}`);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new Error(`local runner: maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  const log = options.log ?? (() => undefined);
  const processes = Array.from(
    { length: workers },
    () => new TaskProcess({ modulePath: options.taskModule.path, env: options.env }),
  );
  let running = false;
  let closed = false;

  async function run(
    jobs: readonly ProxyJob[],
    onOutcome: (outcome: ProxyOutcome) => Promise<void>,
    onProgress?: (progress: ProxyProgress) => void,
  ): Promise<void> {
    if (closed) throw new Error('local runner: run() after close()');
    if (running) throw new Error('local runner: run() is already in progress');
    assertUniqueKeys(jobs);
    running = true;
    const queue: QueuedJob[] = jobs.map((job) => ({ job, attempt: 1 }));
    const deliver = createSerializer();
    let stopError: unknown;

    async function serveSlot(slot: number): Promise<void> {
      const worker = `local-${slot + 1}`;
      while (stopError === undefined && !closed && queue.length > 0) {
        const { job, attempt } = queue.shift() as QueuedJob;
        const result = await processes[slot].run(job, (progress) => onProgress?.(progress));
        if (closed || stopError !== undefined) return;
        let outcome: ProxyOutcome;
        if (result.kind === 'lost') {
          if (attempt < maxAttempts) {
            log(
              `${job.key}: ${result.reason} (${worker}, attempt ${attempt}/${maxAttempts}); retrying on a fresh process`,
            );
            queue.unshift({ job, attempt: attempt + 1 });
            continue;
          }
          log(`${job.key}: ${result.reason} (${worker}, attempt ${attempt}/${maxAttempts}); giving up`);
          outcome = failedOutcome(job, `${result.reason}; gave up after ${attemptsText(maxAttempts)}`, 0);
        } else {
          outcome = result.outcome;
          if (outcome.failed) log(`${job.key}: failed: ${outcome.reason ?? 'no reason given'} (${worker})`);
        }
        const final: ProxyOutcome = { ...outcome, worker, attempt };
        await deliver(() => onOutcome(final));
      }
    }

    const slotCount = Math.min(workers, jobs.length);
    try {
      // Start every process first: a task module that cannot load fails here, before any job,
      // and no process gets a head start of several jobs while another is still loading.
      await Promise.all(processes.slice(0, slotCount).map((p) => p.start()));
    } catch (error) {
      running = false;
      await Promise.all(processes.map((p) => p.close()));
      throw closed ? new Error('local runner: closed while jobs were running') : error;
    }
    const slots = Array.from({ length: slotCount }, (_, slot) =>
      serveSlot(slot).catch(async (error: unknown) => {
        // A task module that cannot load, or an onOutcome that throws: stop everything.
        stopError ??= error;
        await Promise.all(processes.map((p) => p.close()));
      }),
    );
    try {
      await Promise.all(slots);
    } finally {
      running = false;
    }
    if (closed) throw new Error('local runner: closed while jobs were running');
    if (stopError !== undefined) throw stopError instanceof Error ? stopError : new Error(JSON.stringify(stopError));
  }

  async function close(): Promise<void> {
    closed = true;
    await Promise.all(processes.map((p) => p.close()));
  }

  return { name: 'local', run, close };
}
