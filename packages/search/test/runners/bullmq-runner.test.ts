import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyOutcome, ProxyProgress, ProxyRunner } from '../../src/contract.js';
import { createBullmqRunner, createLocalRunner, runBullmqWorker } from '../../src/runners/index.js';
import { fakeReward } from './fixtures/fake-task.js';
import { makeJobs } from './fixtures/jobs.js';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';

const FAKE_TASK = fileURLToPath(new URL('./fixtures/fake-task.ts', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'apdet-bullmq-runner-'));

let redis: RedisServer;
const workers: WorkerProcess[] = [];
const runners: ProxyRunner[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
}, 60_000);
afterAll(async () => {
  await Promise.all(runners.map((r) => r.close()));
  await Promise.all(workers.map((w) => w.stop()));
  await redis?.stop();
  rmSync(tmp, { recursive: true, force: true });
}, 60_000);

function worker(queueName: string): WorkerProcess {
  const w = startWorkerProcess(redis.url, queueName, FAKE_TASK);
  workers.push(w);
  return w;
}
function runner(queueName: string, attempts?: number): ProxyRunner {
  const r = createBullmqRunner({ redis: redis.url, queueName, pollIntervalMs: 100, retryDelayMs: 100, attempts });
  runners.push(r);
  return r;
}
const keysRun = (dir: string) =>
  readdirSync(dir)
    .map((f) => f.split('.')[0])
    .sort();
const collect = async (r: ProxyRunner, jobs: Parameters<ProxyRunner['run']>[0], progress?: ProxyProgress[]) => {
  const outcomes: ProxyOutcome[] = [];
  await r.run(jobs, async (o) => void outcomes.push(o), progress && ((p) => progress.push(p)));
  return outcomes;
};

describe('BullMQ runner against a real redis-server', () => {
  it('2 workers in separate processes; one killed mid-job; its job is retried by the other; rewards equal the local runner', async () => {
    const queue = 'e2e-kill';
    const timelineDir = join(tmp, 'kill');
    const jobs = makeJobs(6, { sleepMs: 1000, timelineDir });
    const [a, b] = [worker(queue), worker(queue)];
    await Promise.all([a.waitForLine(/ready on queue/), b.waitForLine(/ready on queue/)]);
    const progress: ProxyProgress[] = [];
    const running = collect(runner(queue), jobs, progress);
    const [, killedKey] = await a.waitForLine(/^(r0-s\d+): started/);
    a.child.kill('SIGKILL');
    const outcomes = await running;

    expect(outcomes.map((o) => o.key).sort()).toEqual(jobs.map((j) => j.key).sort());
    const killed = outcomes.find((o) => o.key === killedKey) as ProxyOutcome;
    expect(killed).toMatchObject({ failed: false, attempt: 2, worker: `${hostname()}:${b.child.pid}` });
    expect(b.lines.some((line) => line.startsWith(`${killedKey}: started (attempt 2, job ${killedKey}.`))).toBe(true);
    // Heartbeats written by the workers reached the search as progress.
    expect(progress.some((p) => p.fraction === 0.5 && jobs.some((j) => j.key === p.key))).toBe(true);
    // The killed try never finished; every job finished exactly once.
    expect(keysRun(timelineDir)).toEqual(jobs.map((j) => j.key).sort());

    const local = createLocalRunner({ workers: 2, taskModule: { path: FAKE_TASK } });
    runners.push(local);
    const localOutcomes = await collect(local, jobs);
    const rewards = (list: ProxyOutcome[]) => Object.fromEntries(list.map((o) => [o.key, o.reward]));
    expect(rewards(outcomes)).toEqual(rewards(localOutcomes));
    expect(rewards(outcomes)).toEqual(Object.fromEntries(jobs.map((j) => [j.key, fakeReward(j.theta, j.seed)])));
  });

  it('a search that restarts mid-round collects the jobs in flight without running any twice', async () => {
    const queue = 'e2e-restart';
    const timelineDir = join(tmp, 'restart');
    const jobs = makeJobs(4, { sleepMs: 600, timelineDir }, 1);
    const w = worker(queue);
    await w.waitForLine(/ready on queue/);
    const first = runner(queue);
    const delivered: ProxyOutcome[] = [];
    const interrupted = first.run(jobs, async (o) => {
      delivered.push(o);
      if (delivered.length === 1) await first.close(); // the search dies after persisting one outcome
    });
    await expect(interrupted).rejects.toThrow('closed while jobs were running');
    const remaining = jobs.filter((j) => !delivered.some((o) => o.key === j.key));
    const outcomes = await collect(runner(queue), remaining);
    expect([...delivered, ...outcomes].map((o) => o.key).sort()).toEqual(jobs.map((j) => j.key).sort());
    expect(keysRun(timelineDir)).toEqual(jobs.map((j) => j.key).sort());
    // Same key, other θ (another search on the same Redis): a distinct queue job, its own reward.
    const [other] = makeJobs(1, { sleepMs: 10 }, 1);
    other.theta = [0.9, 0.9, 0.9];
    const [otherOutcome] = await collect(runner(queue), [other]);
    expect(otherOutcome.reward).toBe(fakeReward(other.theta, other.seed));
    expect(otherOutcome.reward).not.toBe(fakeReward(jobs[0].theta, jobs[0].seed));
  });

  it('retries a job whose task process crashed, and ends one that keeps failing as a failed outcome', async () => {
    const queue = 'e2e-attempts';
    const w = worker(queue);
    await w.waitForLine(/ready on queue/);
    const jobs = makeJobs(2, { sleepMs: 100, crashKeys: ['r2-s0', 'r2-s1'], markerDir: join(tmp, 'markers') }, 2);
    const [retried] = await collect(runner(queue, 2), [jobs[0]]);
    expect(retried).toMatchObject({
      key: 'r2-s0',
      failed: false,
      attempt: 2,
      reward: fakeReward(jobs[0].theta, jobs[0].seed),
    });
    const [gaveUp] = await collect(runner(queue, 1), [jobs[1]]);
    expect(gaveUp).toMatchObject({ key: 'r2-s1', failed: true, reward: 0, attempt: 1 });
    expect(gaveUp.reason).toMatch(
      /^the worker process was killed by SIGKILL during the job \(worker .+\); gave up after 1 attempt$/,
    );
  });
});

describe('without a reachable Redis', () => {
  const nowhere = 'redis://127.0.0.1:1';

  it('the search side fails with an error naming the URL instead of hanging', async () => {
    const r = createBullmqRunner({ redis: nowhere, connectTimeoutMs: 300 });
    runners.push(r);
    await expect(collect(r, makeJobs(1, {}))).rejects.toThrow(
      /^cannot reach Redis at redis:\/\/127\.0\.0\.1:1 within 0\.3 s/,
    );
  });

  it('a worker fails to start with the same kind of error', async () => {
    await expect(
      runBullmqWorker({ redis: nowhere, taskModule: { path: FAKE_TASK }, connectTimeoutMs: 300 }),
    ).rejects.toThrow(/^cannot reach Redis at redis:\/\/127\.0\.0\.1:1 within 0\.3 s/);
  });
});

describe('runBullmqWorker', () => {
  it('refuses to start, before taking any job, when the task module cannot be loaded', async () => {
    await expect(
      runBullmqWorker({ redis: 'redis://127.0.0.1:1', taskModule: { path: join(tmp, 'missing-task.ts') } }),
    ).rejects.toThrow(`cannot load the proxy task module ${join(tmp, 'missing-task.ts')}`);
  });
});
