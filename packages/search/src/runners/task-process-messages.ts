import type { ProxyJob, ProxyOutcome, ProxyProgress } from '../contract.js';

/** Parent → task process: run this job (one at a time). */
export interface RunMessage {
  type: 'run';
  job: ProxyJob;
}

/** Task process → parent. `fatal` means the task module could not be loaded. */
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'progress'; progress: ProxyProgress }
  | { type: 'outcome'; outcome: ProxyOutcome };
