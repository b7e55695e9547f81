import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProxyOutcome, ProxyProgress } from '../../src/contract.js';
import { createLocalRunner } from '../../src/runners/index.js';
import { fakeReward } from './fixtures/fake-task.js';
import { makeJobs } from './fixtures/jobs.js';

const FAKE_TASK = { path: fileURLToPath(new URL('./fixtures/fake-task.ts', import.meta.url)) };
const tmp = mkdtempSync(join(tmpdir(), 'apdet-local-runner-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Span {
  key: string;
  pid: number;
  start: number;
  end: number;
}
const readTimeline = (dir: string): Span[] =>
  readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Span);

describe('createLocalRunner', () => {
  it('runs 6 jobs on 2 worker processes in parallel, one outcome per key, rewards from θ and seed', async () => {
    const timelineDir = join(tmp, 'parallel');
    const jobs = makeJobs(6, { sleepMs: 400, timelineDir });
    const runner = createLocalRunner({ workers: 2, taskModule: FAKE_TASK });
    const outcomes: ProxyOutcome[] = [];
    const progress: ProxyProgress[] = [];
    try {
      await runner.run(
        jobs,
        async (o) => void outcomes.push(o),
        (p) => progress.push(p),
      );
    } finally {
      await runner.close();
    }
    expect(outcomes.map((o) => o.key).sort()).toEqual(jobs.map((j) => j.key).sort());
    for (const job of jobs) {
      const outcome = outcomes.find((o) => o.key === job.key) as ProxyOutcome;
      expect(outcome).toMatchObject({ failed: false, attempt: 1 });
      expect(outcome.reward).toBe(fakeReward(job.theta, job.seed));
      expect(outcome.worker).toMatch(/^local-[12]$/);
    }
    const spans = readTimeline(timelineDir);
    expect(spans).toHaveLength(6);
    expect(new Set(spans.map((s) => s.pid)).size).toBe(2);
    // Two processes each ran a job while the other was running one: the runs overlapped in time.
    const overlapping = spans.filter((a) => spans.some((b) => b.pid !== a.pid && b.start < a.end && a.start < b.end));
    expect(overlapping.length).toBeGreaterThanOrEqual(4);
    // No process ran two jobs at once.
    for (const a of spans) {
      for (const b of spans) if (a !== b && a.pid === b.pid) expect(a.end <= b.start || b.end <= a.start).toBe(true);
    }
    expect(
      progress
        .filter((p) => p.fraction === 1)
        .map((p) => p.key)
        .sort(),
    ).toEqual(jobs.map((j) => j.key).sort());
  });

  it('retries a job whose worker process dies mid-job on a fresh process, and records a throwing task as failed', async () => {
    const markerDir = join(tmp, 'markers');
    const timelineDir = join(tmp, 'retry');
    const jobs = makeJobs(4, { sleepMs: 200, crashKeys: ['r0-s1'], markerDir, throwKeys: ['r0-s2'], timelineDir });
    const logs: string[] = [];
    const runner = createLocalRunner({ workers: 2, taskModule: FAKE_TASK, log: (line) => logs.push(line) });
    const outcomes: ProxyOutcome[] = [];
    try {
      await runner.run(jobs, async (o) => void outcomes.push(o));
    } finally {
      await runner.close();
    }
    expect(outcomes.map((o) => o.key).sort()).toEqual(jobs.map((j) => j.key).sort());
    const byKey = new Map(outcomes.map((o) => [o.key, o]));
    expect(byKey.get('r0-s1')).toMatchObject({
      failed: false,
      attempt: 2,
      reward: fakeReward(jobs[1].theta, jobs[1].seed),
    });
    expect(byKey.get('r0-s2')).toMatchObject({
      failed: true,
      reward: 0,
      attempt: 1,
      reason: 'task threw: fake failure in r0-s2',
    });
    expect(byKey.get('r0-s0')).toMatchObject({ failed: false, attempt: 1 });
    expect(logs.some((l) => l.startsWith('r0-s1: the worker process was killed by SIGKILL during the job'))).toBe(true);
    // The crashed attempt never finished, so the job completed exactly once.
    expect(readTimeline(timelineDir).filter((s) => s.key === 'r0-s1')).toHaveLength(1);
  });

  it('gives up after maxAttempts lost tries with a failed outcome that says why', async () => {
    // The fake task crashes only on a job's first try, so maxAttempts 1 makes that try the last.
    const jobs = makeJobs(1, { sleepMs: 50, crashKeys: ['r0-s0'], markerDir: join(tmp, 'markers-once') });
    const runner = createLocalRunner({ workers: 1, taskModule: FAKE_TASK, maxAttempts: 1 });
    const outcomes: ProxyOutcome[] = [];
    try {
      await runner.run(jobs, async (o) => void outcomes.push(o));
    } finally {
      await runner.close();
    }
    expect(outcomes).toEqual([
      expect.objectContaining({
        key: 'r0-s0',
        failed: true,
        reward: 0,
        attempt: 1,
        reason: 'the worker process was killed by SIGKILL during the job; gave up after 1 attempt',
      }),
    ]);
  });

  it('waits for onOutcome before giving the slot its next job, and never calls it twice at once', async () => {
    const jobs = makeJobs(4, { sleepMs: 20 });
    const runner = createLocalRunner({ workers: 2, taskModule: FAKE_TASK });
    let inside = 0;
    let maxInside = 0;
    const order: string[] = [];
    try {
      await runner.run(jobs, async (o) => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setTimeout(r, 150));
        order.push(o.key);
        inside--;
      });
    } finally {
      await runner.close();
    }
    expect(maxInside).toBe(1);
    expect(order.sort()).toEqual(jobs.map((j) => j.key).sort());
  });

  it('rejects run() with a clear error when the task module cannot be loaded', async () => {
    const bad = join(tmp, 'no-export.mts');
    writeFileSync(bad, 'export const nothing = 1;\n');
    const runner = createLocalRunner({ workers: 1, taskModule: { path: bad } });
    try {
      await expect(runner.run(makeJobs(2, {}), async () => undefined)).rejects.toThrow(
        `the proxy task module ${bad} does not export a function runProxyJob(job, onProgress)`,
      );
    } finally {
      await runner.close();
    }
  });

  it('close() during run() stops the workers and rejects run() without reporting the unfinished jobs', async () => {
    const runner = createLocalRunner({ workers: 2, taskModule: FAKE_TASK });
    const outcomes: ProxyOutcome[] = [];
    const running = runner.run(makeJobs(2, { sleepMs: 5000 }), async (o) => void outcomes.push(o));
    await new Promise((r) => setTimeout(r, 1000));
    const started = Date.now();
    await runner.close();
    await expect(running).rejects.toThrow('local runner: closed while jobs were running');
    expect(outcomes).toEqual([]);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('rejects jobs with duplicate keys', async () => {
    const runner = createLocalRunner({ workers: 1, taskModule: FAKE_TASK });
    const [job] = makeJobs(1, {});
    await expect(runner.run([job, job], async () => undefined)).rejects.toThrow('two jobs have the key "r0-s0"');
    await runner.close();
  });
});
