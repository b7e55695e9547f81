/**
 * Issue 22 item 13: `--runner bullmq` only checked that the port accepted TCP, so a port that is
 * not Redis, or a Redis with a password the URL does not give, failed only after the warm-start
 * training. The check now sends PING (after AUTH when the URL has a password) and reads the
 * answer. The servers here are fakes on loopback (a real redis-server may not be installed).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertRedisReachable } from '../src/redis-check.js';
import { BIN } from './helpers.js';

/** A TCP server on a free loopback port; `answer` gets all bytes received so far and may reply. */
async function fakeServer(
  answer: (received: string, socket: net.Socket) => void,
): Promise<{ url: string; received: () => string }> {
  let all = '';
  const server = net.createServer((socket) => {
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      all += chunk.toString('latin1');
      answer(received, socket);
    });
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `redis://127.0.0.1:${port}`, received: () => all };
}

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const resp = (...args: string[]) => `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;

/** Answers each complete RESP command of a connection with `reply(args)`. */
function redisLike(reply: (args: string[]) => string) {
  const answered = new WeakMap<net.Socket, number>();
  return (received: string, socket: net.Socket) => {
    const commands = [...received.matchAll(/\*(\d+)\r\n((?:\$\d+\r\n[^\r]*\r\n)+)/g)].map((m) =>
      [...m[2].matchAll(/\$\d+\r\n([^\r]*)\r\n/g)].map((a) => a[1]),
    );
    for (let k = answered.get(socket) ?? 0; k < commands.length; k++) socket.write(reply(commands[k]));
    answered.set(socket, commands.length);
  };
}

describe('assertRedisReachable', () => {
  it('accepts a server that answers PONG, and sends AUTH first when the URL has a password', async () => {
    const open = await fakeServer(redisLike(() => '+PONG\r\n'));
    await expect(assertRedisReachable(open.url)).resolves.toBeUndefined();
    expect(open.received()).toBe(resp('PING'));
    const locked = await fakeServer(redisLike(([name]) => (name === 'PING' ? '+PONG\r\n' : '+OK\r\n')));
    const withUser = locked.url.replace('redis://', 'redis://alice:s%40cret@');
    await expect(assertRedisReachable(`${withUser}/2`)).resolves.toBeUndefined();
    expect(locked.received()).toBe(resp('AUTH', 'alice', 's@cret') + resp('SELECT', '2') + resp('PING'));
  });

  it('refuses a port that is not Redis, one that never answers, or closes, in one line', async () => {
    const http = await fakeServer((_, socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await expect(assertRedisReachable(http.url)).rejects.toThrow(
      /^127\.0\.0\.1:\d+ is not a Redis server: it answered "HTTP\/1\.1 400 Bad Request" to PING; fix --redis$/,
    );
    const silent = await fakeServer(() => {});
    await expect(assertRedisReachable(silent.url, 300)).rejects.toThrow(
      /^127\.0\.0\.1:\d+ did not answer PING within 0\.3 s; is it a Redis server\? fix --redis$/,
    );
    const closing = await fakeServer((_, socket) => socket.destroy());
    await expect(assertRedisReachable(closing.url)).rejects.toThrow(
      /^127\.0\.0\.1:\d+ closed the connection without answering PING; is it a Redis server\? fix --redis$/,
    );
  });

  it('says when Redis needs a password or refuses the one given', async () => {
    const locked = await fakeServer(
      redisLike(([name]) =>
        name === 'AUTH'
          ? '-WRONGPASS invalid username-password pair or user is disabled.\r\n'
          : '-NOAUTH Authentication required.\r\n',
      ),
    );
    await expect(assertRedisReachable(locked.url)).rejects.toThrow(
      /^Redis at 127\.0\.0\.1:\d+ needs a password \(NOAUTH Authentication required\.\); give it in the URL: --redis redis:\/\/:<password>@127\.0\.0\.1:\d+$/,
    );
    const wrong = locked.url.replace('redis://', 'redis://:nope@');
    const error: unknown = await assertRedisReachable(wrong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^Redis at 127\.0\.0\.1:\d+ refused the password of --redis \(WRONGPASS invalid username-password pair or user is disabled\.\)$/,
    );
    expect(message).not.toContain('nope');
  });
});

describe('the CLI with a port that is not Redis', () => {
  it('fails in one line before any data work (search and worker)', async () => {
    const http = await fakeServer((_, socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    // In a scratch folder: before the fix the search went on to build data and train there.
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'apdet-search-redis-'));
    const run = (args: string[]) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(process.execPath, [BIN, ...args], { cwd, timeout: 60_000 }, (error, _stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
        );
      });
    for (const args of [
      ['retinanet', '--runner', 'bullmq', '--redis', http.url, '--out', 'never-made'],
      ['worker', '--redis', http.url],
    ]) {
      const r = await run(args);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(/^apdet-search: error: 127\.0\.0\.1:\d+ is not a Redis server/);
    }
    rmSync(cwd, { recursive: true, force: true });
  });
});
