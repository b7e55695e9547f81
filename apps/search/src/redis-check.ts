/**
 * A quick check that `--redis` names a Redis server this search can use, before any data work
 * or training: an unreachable server, a port that is not Redis, a Redis that needs a password
 * the URL does not give (or refuses the one it gives), and a bad database number are each one
 * clear error line, instead of a failure after the warm-start training (issue 22 item 13) or a
 * client retrying forever in the background.
 *
 * It speaks just enough of the Redis protocol (RESP, https://redis.io/docs/latest/develop/reference/protocol-spec/
 * is its specification; commands are arrays of bulk strings, simple replies are `+…` or `-…`
 * lines) to send `AUTH` (when the URL has a password), `SELECT` (when it has a database) and
 * `PING`, and to read their answers.
 */
import net from 'node:net';
import tls from 'node:tls';
import { UserError } from '@apdet/io';
import { parseRedisUrl } from '@apdet/search';

/** Throws a one-line UserError unless the Redis of `redis` answers PING (after AUTH/SELECT from the URL). */
export async function assertRedisReachable(redis: string, timeoutMs = 3000): Promise<void> {
  const options = parseRedisUrl(redis);
  const where = `${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  const commands: string[][] = [];
  if (options.password !== undefined) {
    commands.push(['AUTH', ...(options.username === undefined ? [] : [options.username]), options.password]);
  }
  if (options.db !== undefined) commands.push(['SELECT', String(options.db)]);
  commands.push(['PING']);
  const replies = await exchange(options, where, commands, timeoutMs);
  commands.forEach((command, i) => checkReply(command[0], replies[i], where, options.db));
}

/** Sends the commands and returns one reply line per command (or throws a UserError). */
function exchange(
  options: ReturnType<typeof parseRedisUrl>,
  where: string,
  commands: string[][],
  timeoutMs: number,
): Promise<string[]> {
  return new Promise<string[]>((resolve, reject) => {
    const socket =
      options.tls === undefined
        ? net.connect({ host: options.host, port: options.port })
        : tls.connect({ host: options.host, port: options.port, servername: options.host });
    let received = '';
    let connected = false;
    const finish = (error: UserError | null, replies?: string[]) => {
      socket.destroy();
      if (error === null) resolve(replies!);
      else reject(error);
    };
    socket.setTimeout(timeoutMs, () =>
      finish(
        connected
          ? new UserError(
              `${where} did not answer PING within ${timeoutMs / 1000} s; is it a Redis server? fix --redis`,
            )
          : new UserError(
              `cannot reach Redis at ${where} (no answer within ${timeoutMs / 1000} s); start redis-server there or fix --redis`,
            ),
      ),
    );
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish(
        new UserError(
          `cannot reach Redis at ${where} (${error.code ?? error.message}); start redis-server there or fix --redis`,
        ),
      ),
    );
    socket.once(options.tls === undefined ? 'connect' : 'secureConnect', () => {
      connected = true;
      socket.write(commands.map(encodeCommand).join(''));
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (!/^[+\-:$*]/.test(received)) {
        const first = received.split(/\r?\n/)[0].slice(0, 60);
        finish(
          new UserError(`${where} is not a Redis server: it answered ${JSON.stringify(first)} to PING; fix --redis`),
        );
        return;
      }
      const lines = received.split('\r\n');
      if (lines.length > commands.length) finish(null, lines.slice(0, commands.length));
    });
    socket.once('close', () =>
      finish(new UserError(`${where} closed the connection without answering PING; is it a Redis server? fix --redis`)),
    );
  });
}

/** A command as a RESP array of bulk strings: `PING` → `*1\r\n$4\r\nPING\r\n`. */
function encodeCommand(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

function checkReply(command: string, reply: string, where: string, db: number | undefined): void {
  if (command === 'PING' && reply === '+PONG') return;
  if (command !== 'PING' && reply === '+OK') return;
  const message = reply.replace(/^-/, '');
  // Redis without a password given one: ioredis (BullMQ's client) warns and goes on, so do we.
  if (command === 'AUTH' && /without any password configured/.test(message)) return;
  if (!reply.startsWith('-')) {
    throw new UserError(
      `${where} is not a Redis server: it answered ${JSON.stringify(reply.slice(0, 60))} to ${command}; fix --redis`,
    );
  }
  if (command === 'AUTH') throw new UserError(`Redis at ${where} refused the password of --redis (${message})`);
  if (message.startsWith('NOAUTH')) {
    throw new UserError(
      `Redis at ${where} needs a password (${message}); give it in the URL: --redis redis://:<password>@${where}`,
    );
  }
  if (command === 'SELECT') throw new UserError(`Redis at ${where}: database ${String(db)} of --redis: ${message}`);
  throw new UserError(`Redis at ${where} answered PING with an error: ${message}`);
}
