/**
 * The benchmark's stand-in proxy task: a fixed amount of CPU work (`job.task.blocks`, see
 * busy-work.ts), like a proxy training: it takes longer when it has to share a core, unlike a
 * sleep or a loop that runs for a fixed wall time.
 */
import type { ProxyJob, ProxyOutcome, ProxyProgress } from '../src/contract.js';
import { busyWork } from './busy-work.js';

export async function runProxyJob(job: ProxyJob, onProgress: (p: ProxyProgress) => void): Promise<ProxyOutcome> {
  const started = performance.now();
  const checksum = busyWork(Number(job.task.blocks));
  onProgress({ key: job.key, fraction: 1 });
  return { key: job.key, reward: checksum > 0 ? 0.5 : 0, failed: false, seconds: (performance.now() - started) / 1000 };
}
