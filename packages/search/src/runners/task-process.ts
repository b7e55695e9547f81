import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { UserError } from '@apdet/io';
import type { ProxyJob, ProxyOutcome, ProxyProgress } from '../contract.js';
import type { ChildMessage, RunMessage } from './task-process-messages.js';
import { SINGLE_THREAD_ENV } from './thread-env.js';

const ENTRY = fileURLToPath(new URL('./task-process-entry.mjs', import.meta.url));
/** How long close() waits after SIGTERM before it sends SIGKILL. */
const KILL_GRACE_MS = 2000;

/** What became of one job sent to a task process. */
export type TaskRunResult =
  | { kind: 'outcome'; outcome: ProxyOutcome }
  /** The process died or was killed before it answered: an infrastructure failure. */
  | { kind: 'lost'; reason: string };

export interface TaskProcessOptions {
  /** Absolute path or URL of the task module. */
  modulePath: string;
  /** Extra environment for the process, on top of this process's and {@link SINGLE_THREAD_ENV}. */
  env?: Record<string, string>;
}

/**
 * One child Node process that runs proxy jobs, one at a time, by importing the task module.
 * It is started on first use and again after it dies, so a crash costs one job, not the slot.
 * A task module that cannot be loaded rejects {@link start}/{@link run} with a `UserError`.
 */
export class TaskProcess {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private pending: ((result: TaskRunResult) => void) | undefined;
  private progressListener: ((progress: ProxyProgress) => void) | undefined;

  constructor(private readonly options: TaskProcessOptions) {}

  /** The running child's pid, if any. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process (if not running) and resolves once the task module has loaded. */
  start(): Promise<void> {
    if (this.ready === undefined) this.ready = this.spawn();
    return this.ready;
  }

  /** Runs one job. Resolves with its outcome, or `lost` when the process died meanwhile. */
  async run(job: ProxyJob, onProgress: (progress: ProxyProgress) => void): Promise<TaskRunResult> {
    if (this.pending !== undefined) throw new Error('TaskProcess.run: a job is already running');
    await this.start();
    const child = this.child;
    if (child === undefined) return { kind: 'lost', reason: 'the worker process exited before the job was sent' };
    return new Promise<TaskRunResult>((resolve) => {
      this.pending = resolve;
      this.progressListener = onProgress;
      const message: RunMessage = { type: 'run', job };
      child.send(message, (error) => {
        if (error)
          this.settle({ kind: 'lost', reason: `could not send the job to the worker process: ${error.message}` });
      });
    });
  }

  /** Stops the process: SIGTERM, then SIGKILL if it has not exited after a grace period. */
  async close(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  private spawn(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const child = fork(ENTRY, [this.options.modulePath], {
        execArgv: [],
        env: { ...process.env, ...SINGLE_THREAD_ENV, ...this.options.env },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      this.child = child;
      let loaded = false;
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') {
          loaded = true;
          resolve();
        } else if (message.type === 'fatal') {
          reject(new UserError(message.message));
        } else if (message.type === 'progress') {
          this.progressListener?.(message.progress);
        } else if (message.type === 'outcome') {
          this.settle({ kind: 'outcome', outcome: message.outcome });
        }
      });
      child.on('error', (error) => {
        if (!loaded) reject(new Error(`cannot start a worker process: ${error.message}`, { cause: error }));
      });
      child.on('exit', (code, signal) => {
        if (this.child === child) {
          this.child = undefined;
          this.ready = undefined;
        }
        const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
        if (!loaded) reject(new Error(`the worker process ${how} before loading the task module`));
        this.settle({ kind: 'lost', reason: `the worker process ${how} during the job` });
      });
    });
  }

  private settle(result: TaskRunResult): void {
    const resolve = this.pending;
    this.pending = undefined;
    this.progressListener = undefined;
    resolve?.(result);
  }
}
