import type { ProxyJob, ProxyOutcome, ProxyProgress, RunProxyJob } from '../contract.js';
import { errorMessage } from './task-module.js';

/** A `failed` outcome (reward 0, docs/spec/paper-spec.md §7.5) for a job, with the reason recorded. */
export function failedOutcome(job: Pick<ProxyJob, 'key'>, reason: string, seconds: number): ProxyOutcome {
  return { key: job.key, reward: 0, failed: true, reason, seconds };
}

/**
 * Runs the task on one job and always returns an outcome. This is where a *task failure* is
 * decided: if `runProxyJob` throws, or returns something that is not a valid outcome for this
 * job, the job ends as a `failed` outcome with the reason. Such failures are not retried: the
 * proxy training is deterministic in (θ, seed), so a retry would fail the same way, and the
 * search's failure rule (docs/spec/paper-spec.md §7.5) is what should see it.
 */
export async function runTaskSafely(
  runProxyJob: RunProxyJob,
  job: ProxyJob,
  onProgress: (progress: ProxyProgress) => void,
): Promise<ProxyOutcome> {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let returned: unknown;
  try {
    returned = await runProxyJob(job, onProgress);
  } catch (error) {
    return failedOutcome(job, `task threw: ${errorMessage(error)}`, elapsed());
  }
  const problem = outcomeProblem(returned, job.key);
  if (problem !== undefined) return failedOutcome(job, `task returned an invalid outcome: ${problem}`, elapsed());
  const outcome = returned as ProxyOutcome;
  const seconds = Number.isFinite(outcome.seconds) ? outcome.seconds : elapsed();
  // The contract says a failed training has reward 0; enforce it so no runner can leak a reward.
  return { ...outcome, reward: outcome.failed ? 0 : outcome.reward, seconds };
}

/** Why `value` is not a valid outcome for job `key`, or undefined when it is. */
export function outcomeProblem(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return `expected an object, got ${describe(value)}`;
  const outcome = value as Partial<ProxyOutcome>;
  if (outcome.key !== key) return `key is ${JSON.stringify(outcome.key)}, expected ${JSON.stringify(key)}`;
  if (typeof outcome.failed !== 'boolean') return `failed is ${describe(outcome.failed)}, expected a boolean`;
  if (typeof outcome.reward !== 'number' || !Number.isFinite(outcome.reward)) {
    return `reward is ${describe(outcome.reward)}, expected a finite number`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === undefined || typeof value === 'number') return String(value);
  return JSON.stringify(value) ?? typeof value;
}

/** "1 attempt", "3 attempts": for failure reasons. */
export function attemptsText(count: number): string {
  return `${count} attempt${count === 1 ? '' : 's'}`;
}
