import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateLossParams } from '@apdet/losses';
import type { ProxyJob, ProxyRunner } from '../src/contract.js';
import { thetaToLossParams } from '../src/loss-params.js';
import { proxySeed } from '../src/rng.js';
import { runSearch, type RunSearchOptions } from '../src/run-search.js';
import { FASTER_RCNN_SPACE, RETINANET_SPACE } from '../src/search-space.js';
import { loadSearchState } from '../src/state.js';
import { createFakeRunner, fakeOutcome } from './fixtures/fake-runner.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'apdet-search-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const SMALL = {
  space: RETINANET_SPACE,
  rounds: 3,
  samples: 4,
  seed: 11,
  task: { detector: 'fake' },
} satisfies Partial<RunSearchOptions>;

/** A runner that records `limit` outcomes and then fails like a crashed process would. */
function crashingRunner(limit: number): ProxyRunner {
  let recorded = 0;
  return {
    name: 'crashing',
    async run(jobs, onOutcome) {
      for (const job of jobs) {
        if (recorded === limit) throw new Error('simulated crash');
        await onOutcome(fakeOutcome(job, 0));
        recorded++;
      }
    },
    async close() {},
  };
}

describe('runSearch', () => {
  it('runs rounds × samples proxy jobs and writes state.json, rounds.jsonl and a valid final-params.json', async () => {
    const out = tempDir();
    const runner = createFakeRunner();
    const lines: string[] = [];
    const rounds: number[] = [];
    const events: string[] = [];
    const result = await runSearch({
      ...SMALL,
      out,
      runner,
      log: (l) => lines.push(l),
      onRound: (r) => void rounds.push(r.round),
      onSample: (e) => void events.push(`${e.job.key} ${e.done}/${e.total} ${e.outcome.failed}`),
    });
    expect(result.roundsRun).toBe(3);
    expect(events.slice(0, 4)).toEqual(['r0-s0 1/4 false', 'r0-s1 2/4 false', 'r0-s2 3/4 true', 'r0-s3 4/4 false']);
    expect(events).toHaveLength(12);
    expect(runner.started).toEqual([
      'r0-s0',
      'r0-s1',
      'r0-s2',
      'r0-s3',
      'r1-s0',
      'r1-s1',
      'r1-s2',
      'r1-s3',
      'r2-s0',
      'r2-s1',
      'r2-s2',
      'r2-s3',
    ]);
    expect(rounds).toEqual([0, 1, 2]);
    const state = await loadSearchState(out);
    expect(state.completed).toBe(true);
    expect(state.round).toBe(3);
    expect(state.history[0].samples[2]).toMatchObject({ reward: 0, failed: true, reason: 'loss stuck at 1 (fake)' });
    expect(state.history[0].failed).toBe(1);
    // σ schedule: 0.2·(3 − t)/3, and the last update keeps σ (O20).
    expect(state.history.map((r) => r.sigma[0])).toEqual([
      0.2,
      expect.closeTo((0.2 * 2) / 3, 15),
      expect.closeTo(0.2 / 3, 15),
    ]);
    expect(state.history[2].sigmaNext[0]).toBeCloseTo(0.2 / 3, 15);
    // The policy moved.
    expect(Math.max(...state.mu.map((m, i) => Math.abs(m - state.history[0].muBefore[i])))).toBeGreaterThan(1e-3);
    const jsonl = readFileSync(path.join(out, 'rounds.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(jsonl.map((l) => l.round)).toEqual([0, 1, 2]);
    expect(jsonl[1]).toMatchObject({
      sigma: expect.any(Number),
      rewards: { mean: expect.any(Number), std: expect.any(Number), min: expect.any(Number), max: expect.any(Number) },
    });
    expect(jsonl[2].mu).toEqual(state.mu);
    const final = JSON.parse(readFileSync(path.join(out, 'final-params.json'), 'utf8'));
    expect(final.meta).toMatchObject({ roundsDone: 3, rounds: 3, seed: 11, completed: true });
    expect(final.ctrlPoints).toEqual(thetaToLossParams(RETINANET_SPACE, state.mu).ctrlPoints);
    expect(() => validateLossParams('param-ap', final, 'final-params.json')).not.toThrow();
    expect(lines.some((l) => /round 3\/3 done: reward mean/.test(l))).toBe(true);
  });

  it('builds each job from the fixed θ: key r<t>-s<n>, seed from (seed, round, sample), loss params of θ, task passed through', async () => {
    const out = tempDir();
    const jobs: ProxyJob[] = [];
    const runner: ProxyRunner = {
      name: 'spy',
      async run(js, onOutcome) {
        for (const j of js) {
          jobs.push(j);
          await onOutcome(fakeOutcome(j, 0));
        }
      },
      async close() {},
    };
    await runSearch({ ...SMALL, rounds: 1, out, runner });
    const state = await loadSearchState(out);
    expect(jobs.map((j) => j.key)).toEqual(['r0-s0', 'r0-s1', 'r0-s2', 'r0-s3']);
    jobs.forEach((j, n) => {
      expect(j.seed).toBe(proxySeed(11, 0, n));
      expect(j.theta).toEqual(state.history[0].thetas[n]);
      expect(j.lossParams).toEqual(thetaToLossParams(RETINANET_SPACE, j.theta));
      expect(j.task).toEqual({ detector: 'fake' });
      expect(j.theta.every((t) => t >= 0 && t <= 1)).toBe(true);
    });
  });

  it('is deterministic for a seed and differs for another', async () => {
    const a = await runSearch({ ...SMALL, out: tempDir(), runner: createFakeRunner() });
    const b = await runSearch({ ...SMALL, out: tempDir(), runner: createFakeRunner({ concurrency: 3 }) });
    const c = await runSearch({ ...SMALL, seed: 12, out: tempDir(), runner: createFakeRunner() });
    expect(b.state.muX).toEqual(a.state.muX);
    expect(c.state.muX).not.toEqual(a.state.muX);
  });

  it('resumes an interrupted round without redrawing θ or retraining recorded samples, ending in the uninterrupted state', async () => {
    const reference = await runSearch({ ...SMALL, out: tempDir(), runner: createFakeRunner() });
    const out = tempDir();
    await expect(runSearch({ ...SMALL, out, runner: crashingRunner(6) })).rejects.toThrow('simulated crash');
    const interrupted = await loadSearchState(out);
    expect(interrupted.round).toBe(1);
    expect(interrupted.current!.outcomes.filter((o) => o !== null)).toHaveLength(2);
    const runner = createFakeRunner();
    const lines: string[] = [];
    const result = await runSearch({ ...SMALL, out, runner, resume: true, log: (l) => lines.push(l) });
    expect(runner.started.slice(0, 2)).toEqual(['r1-s2', 'r1-s3']);
    expect(runner.started).toHaveLength(2 + 4);
    expect(lines[0]).toMatch(/resuming .* at round 2\/3 \(2\/4 samples of it recorded\)/);
    expect(result.state.muX).toEqual(reference.state.muX);
    expect(result.state.history.map((r) => r.thetas)).toEqual(reference.state.history.map((r) => r.thetas));
    expect(result.state.rng).toEqual(reference.state.rng);
  });

  it('resuming needs only the folder: undefined settings take the stored values', async () => {
    const out = tempDir();
    await expect(runSearch({ ...SMALL, out, runner: crashingRunner(2) })).rejects.toThrow('simulated crash');
    const result = await runSearch({ out, runner: createFakeRunner(), resume: true });
    expect(result.state.settings).toMatchObject({ rounds: 3, samples: 4, seed: 11 });
    expect(result.state.completed).toBe(true);
  });

  it('a completed search resumed does nothing and says so', async () => {
    const out = tempDir();
    await runSearch({ ...SMALL, rounds: 1, out, runner: createFakeRunner() });
    const runner = createFakeRunner();
    const lines: string[] = [];
    const result = await runSearch({ ...SMALL, rounds: 1, out, runner, resume: true, log: (l) => lines.push(l) });
    expect(result).toMatchObject({ alreadyComplete: true, roundsRun: 0 });
    expect(runner.started).toEqual([]);
    expect(lines).toEqual([expect.stringMatching(/already complete \(1\/1 rounds\); nothing to do/)]);
  });

  it('refuses to overwrite a search, to resume a folder without one, or with different settings', async () => {
    const out = tempDir();
    await runSearch({ ...SMALL, rounds: 1, out, runner: createFakeRunner() });
    await expect(runSearch({ ...SMALL, rounds: 1, out, runner: createFakeRunner() })).rejects.toThrow(
      /already holds a search .*--resume/,
    );
    await expect(runSearch({ ...SMALL, out: tempDir(), runner: createFakeRunner(), resume: true })).rejects.toThrow(
      /no state.json here/,
    );
    await expect(
      runSearch({ ...SMALL, samples: 5, rounds: 1, out, runner: createFakeRunner(), resume: true }),
    ).rejects.toThrow(/cannot resume: .*samples \(4 stored, 5 requested\)/);
    await expect(
      runSearch({ ...SMALL, seed: 1, rounds: 2, out, runner: createFakeRunner(), resume: true }),
    ).rejects.toThrow(/rounds \(1 stored, 2 requested\); seed \(11 stored, 1 requested\)/);
    await expect(
      runSearch({ ...SMALL, space: FASTER_RCNN_SPACE, rounds: 1, out, runner: createFakeRunner(), resume: true }),
    ).rejects.toThrow(/search space \('retinanet' stored, 'faster-rcnn' requested/);
    // The same space written with its keys in another order is the same space.
    const reordered = { paramsPerFunction: 8 as const, heads: RETINANET_SPACE.heads, name: 'retinanet' };
    await expect(
      runSearch({ ...SMALL, space: reordered, rounds: 1, out, runner: createFakeRunner(), resume: true }),
    ).resolves.toMatchObject({ alreadyComplete: true });
  });

  it('records a duplicate outcome once, and fails clearly when the runner leaves a job without an outcome', async () => {
    const duplicating: ProxyRunner = {
      name: 'dup',
      async run(jobs, onOutcome) {
        for (const j of jobs) {
          await onOutcome(fakeOutcome(j, 0));
          await onOutcome({ ...fakeOutcome(j, 0), reward: 0.99 });
        }
      },
      async close() {},
    };
    const lines: string[] = [];
    const result = await runSearch({
      ...SMALL,
      rounds: 1,
      out: tempDir(),
      runner: duplicating,
      log: (l) => lines.push(l),
    });
    expect(result.state.history[0].samples.every((s) => s.reward !== 0.99)).toBe(true);
    expect(lines.filter((l) => /ignoring an outcome for already recorded job r0-s/.test(l))).toHaveLength(4);
    const lazy: ProxyRunner = { name: 'lazy', async run() {}, async close() {} };
    await expect(runSearch({ ...SMALL, rounds: 1, out: tempDir(), runner: lazy })).rejects.toThrow(
      /runner 'lazy' finished round 0 without outcomes for r0-s0, r0-s1/,
    );
  });

  it('validates its settings with clear errors', async () => {
    await expect(runSearch({ ...SMALL, rounds: 0, out: tempDir(), runner: createFakeRunner() })).rejects.toThrow(
      /rounds must be a positive integer/,
    );
    await expect(runSearch({ ...SMALL, muInit: [0.5], out: tempDir(), runner: createFakeRunner() })).rejects.toThrow(
      /muInit must hold 41 numbers in \(0, 1\)/,
    );
  });
});
