/**
 * The contract between the search loop, the runners that execute proxy trainings, and the
 * proxy task itself. Three parts are written separately and meet only here:
 *
 * - the search loop (`runSearch`, this package) samples θ, turns each into a {@link ProxyJob},
 *   hands the round's unfinished jobs to a {@link ProxyRunner}, records every
 *   {@link ProxyOutcome} atomically as it arrives, then updates the policy;
 * - a runner (`local`: worker processes on this machine; `bullmq`: a Redis queue served by any
 *   number of `apdet-search worker` processes) executes jobs in parallel and knows nothing of θ;
 * - the proxy task (apps/search) trains a detector on the job's loss parameters and returns the
 *   reward. Runners load it in their worker processes from {@link ProxyTaskModule.path}.
 *
 * Everything that crosses a process boundary here is plain JSON.
 */

/** One proxy training: everything a worker needs, so any worker on any machine can run it. */
export interface ProxyJob {
  /** Unique and stable across resumes: `r<round>-s<sample>` (e.g. `r3-s5`). Used as the queue job id. */
  key: string;
  round: number;
  sample: number;
  /** The sampled policy vector, each entry in [0, 1] (docs/spec/paper-spec.md §4.2, §5). */
  theta: number[];
  /** The training seed of this proxy run (deterministic from the search seed, round and sample). */
  seed: number;
  /** The `--loss-params` JSON (control points + gradient scale) built from θ. */
  lossParams: Record<string, unknown>;
  /** Task settings, opaque to runners (detector, data dir, proxy images/epochs, backend, ...). */
  task: Record<string, unknown>;
}

/** Live progress of one job, for progress bars and BullMQ heartbeats. */
export interface ProxyProgress {
  key: string;
  /** 0..1 of the proxy training done. */
  fraction: number;
  message?: string;
}

/** The result of one proxy training. A failed training (docs/spec/paper-spec.md §7.5) has reward 0 and `failed` true. */
export interface ProxyOutcome {
  key: string;
  /** COCO AP on the proxy's held-out split, in [0, 1]; 0 when failed. */
  reward: number;
  failed: boolean;
  /** Why it failed (collapse counter, NaN, exception message). */
  reason?: string;
  /** Wall seconds of the proxy training + evaluation. */
  seconds: number;
  /** Which worker ran it (e.g. `local-1`, `host:pid`), for logs. */
  worker?: string;
  /** 1 for the first try; higher when a runner retried a lost or failed job. */
  attempt?: number;
}

/**
 * A module that worker processes import: it must export
 * `runProxyJob(job: ProxyJob, onProgress: (p: ProxyProgress) => void): Promise<ProxyOutcome>`.
 */
export interface ProxyTaskModule {
  /** Absolute path (or file URL) of the module (.ts files are loaded through tsx). */
  path: string;
}

/** The signature the task module's `runProxyJob` export must have. */
export type RunProxyJob = (job: ProxyJob, onProgress: (p: ProxyProgress) => void) => Promise<ProxyOutcome>;

/** Executes proxy jobs in parallel. Implementations: local worker processes, BullMQ. */
export interface ProxyRunner {
  readonly name: string;
  /**
   * Runs every job (in any order, in parallel up to the runner's capacity) and resolves once all
   * have an outcome. `onOutcome` is awaited before the runner reports the job as done, so the
   * search can persist it first; it is called exactly once per job. Infrastructure failures
   * (a crashed or lost worker) are retried with the same job; only the task's own failures
   * become `failed` outcomes.
   */
  run(
    jobs: readonly ProxyJob[],
    onOutcome: (outcome: ProxyOutcome) => Promise<void>,
    onProgress?: (progress: ProxyProgress) => void,
  ): Promise<void>;
  /** Stops workers and releases connections. */
  close(): Promise<void>;
}
