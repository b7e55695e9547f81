import type { ProxyJob } from '../contract.js';

/** Throws when two jobs share a key: outcomes are matched to jobs by key only. */
export function assertUniqueKeys(jobs: readonly ProxyJob[]): void {
  const seen = new Set<string>();
  for (const job of jobs) {
    if (seen.has(job.key)) throw new Error(`two jobs have the key ${JSON.stringify(job.key)}: job keys must be unique`);
    seen.add(job.key);
  }
}
