export { createLocalRunner, DEFAULT_MAX_ATTEMPTS, type LocalRunnerOptions } from './local-runner.js';
export { createBullmqRunner, type BullmqRunnerOptions } from './bullmq-runner.js';
export { runBullmqWorker, type BullmqWorkerOptions, type BullmqWorkerHandle } from './bullmq-worker.js';
export { DEFAULT_QUEUE_NAME, DEFAULT_BULLMQ_ATTEMPTS } from './bullmq-defaults.js';
export { queueJobId } from './job-id.js';
export { parseRedisUrl, redactRedisUrl, type RedisConnectionOptions } from './redis-url.js';
export { runTaskSafely, failedOutcome } from './run-task-safely.js';
export { loadRunProxyJob } from './task-module.js';
export { SINGLE_THREAD_ENV } from './thread-env.js';
