import { createHash } from 'node:crypto';
import type { ProxyJob } from '../contract.js';

/** JSON with object keys sorted at every level, so equal jobs serialise identically. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/**
 * The queue job id of a proxy job: `<key>.<first 16 hex of sha256(canonical job JSON)>`.
 *
 * The key makes ids readable and the content hash makes them safe: re-enqueueing the same job
 * after the search restarts finds the job already queued, running or finished (BullMQ ignores an
 * add whose id exists), while another search that reuses the key `r0-s0` with a different θ,
 * seed or task on the same Redis gets a different id instead of someone else's reward.
 */
export function queueJobId(job: ProxyJob): string {
  const digest = createHash('sha256').update(canonicalJson(job)).digest('hex').slice(0, 16);
  // BullMQ rejects custom ids containing ':' (its key separator).
  return `${job.key.replaceAll(':', '_')}.${digest}`;
}
