/** The queue the search and `apdet-search worker` use unless told otherwise. */
export const DEFAULT_QUEUE_NAME = 'apdet-search';
/** The BullMQ job name of a proxy training. */
export const PROXY_JOB_NAME = 'proxy-training';
/**
 * Tries per job when the worker-side processing fails (the task process running it crashed,
 * or the worker could not load the task module): 1 try + 2 retries.
 */
export const DEFAULT_BULLMQ_ATTEMPTS = 3;
/** How long finished jobs stay in Redis, so a restarted search can still collect them. */
export const DEFAULT_KEEP_FINISHED_SECONDS = 7 * 24 * 3600;
