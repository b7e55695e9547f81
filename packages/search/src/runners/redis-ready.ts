import { UserError } from '@apdet/io';
import { redactRedisUrl } from './redis-url.js';

/** Default time to wait for Redis to answer before giving up with a clear error. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Waits until a BullMQ queue or worker is connected. ioredis retries a refused connection
 * forever, which would leave the search or a worker hanging silently on a wrong `--redis`; this
 * turns that into a `UserError` naming the URL and the last connection error.
 */
export async function waitForRedis(
  client: { waitUntilReady(): Promise<unknown>; on(event: 'error', listener: (error: Error) => void): unknown },
  url: string,
  timeoutMs: number,
): Promise<void> {
  let lastError = 'no answer';
  client.on('error', (error) => {
    lastError = error.message;
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new UserError(
            `cannot reach Redis at ${redactRedisUrl(url)} within ${timeoutMs / 1000} s (${lastError}); is redis-server running and reachable from here?`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([client.waitUntilReady(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
