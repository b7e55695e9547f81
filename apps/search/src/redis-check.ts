/**
 * A quick TCP check that the Redis of `--redis` answers, so an unreachable server is one clear
 * error line at start-up instead of a client retrying forever in the background.
 */
import net from 'node:net';
import { UserError } from '@apdet/io';

export async function assertRedisReachable(redis: string, timeoutMs = 3000): Promise<void> {
  const url = new URL(redis);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? 6379 : Number(url.port);
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host, port });
    const fail = (why: string) => {
      socket.destroy();
      reject(new UserError(`cannot reach Redis at ${host}:${port} (${why}); start redis-server there or fix --redis`));
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs / 1000} s`));
    socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
  });
}
