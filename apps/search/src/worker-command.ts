/**
 * `apdet-search worker --redis <url>`: serves the search's BullMQ queue from any machine with
 * this repository (and its data) until SIGINT/SIGTERM; a second signal abandons running jobs
 * (their locks expire and another worker retries them).
 */
import { runBullmqWorker } from '@apdet/search';
import type { WorkerFlags } from './flags.js';
import { assertRedisReachable } from './redis-check.js';
import { PROXY_TASK_MODULE } from './search-command.js';

export async function workerCommand(
  flags: WorkerFlags,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<void> {
  await assertRedisReachable(flags.redis);
  const worker = await runBullmqWorker({
    redis: flags.redis,
    taskModule: { path: PROXY_TASK_MODULE },
    concurrency: flags.concurrency,
    log,
  });
  log(`worker ${worker.name}: Ctrl-C stops it after its running jobs, twice abandons them`);
  await new Promise<void>((resolve, reject) => {
    let signals = 0;
    const stop = () => {
      signals += 1;
      const force = signals > 1;
      log(force ? 'abandoning running jobs (other workers will retry them)…' : 'stopping after the running jobs…');
      worker.close({ force }).then(resolve, reject);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
