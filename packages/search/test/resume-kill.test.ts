import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runSearch } from '../src/run-search.js';
import { loadSearchState } from '../src/state.js';
import { createFakeRunner } from './fixtures/fake-runner.js';
import { KILL_TEST_SEARCH } from './fixtures/kill-test-settings.js';

const CHILD = fileURLToPath(new URL('./fixtures/search-child.ts', import.meta.url));
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const root = mkdtempSync(path.join(tmpdir(), 'apdet-search-kill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * Runs the search child; when `killOn` is given, SIGKILLs it as soon as it reports that outcome
 * persisted (other jobs are then in flight). Resolves with the exit code / signal.
 */
function runChild(
  args: string[],
  killOn?: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
      cwd: PACKAGE_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (killOn !== undefined && stdout.includes(`recorded ${killOn}\n`)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code !== 0 && signal === null
        ? reject(new Error(`child exited ${code}: ${stderr}`))
        : resolve({ code, signal, stdout }),
    );
  });
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

describe('SIGKILL mid-round and --resume (issue [G] acceptance)', () => {
  it('finishes the search with no finished sample trained twice, in the uninterrupted state', async () => {
    const out = path.join(root, 'search');
    const log = (name: string) => path.join(root, name);
    const killed = await runChild([out, log('started-1'), log('finished-1')], 'r1-s1');
    expect(killed.signal).toBe('SIGKILL');

    // The kill landed mid-round 1: its θ are fixed and some, not all, outcomes are persisted.
    const atKill = await loadSearchState(out);
    expect(atKill.round).toBe(1);
    const recordedAtKill = atKill.current!.outcomes.flatMap((o, n) => (o === null ? [] : [`r1-s${n}`]));
    expect(recordedAtKill.length).toBeGreaterThanOrEqual(1);
    expect(recordedAtKill.length).toBeLessThan(KILL_TEST_SEARCH.samples);
    expect(lines(log('started-1')).length).toBeGreaterThan(lines(log('finished-1')).length); // jobs were in flight

    const resumed = await runChild([out, log('started-2'), log('finished-2'), 'resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/resuming .* at round 2\/3/);

    // Every job finished (persisted) exactly once over both processes, and no job persisted by
    // the killed process was started again.
    const finished1 = lines(log('finished-1'));
    const finished2 = lines(log('finished-2'));
    const all = [...finished1, ...finished2].sort();
    const expected = Array.from(
      { length: KILL_TEST_SEARCH.rounds * KILL_TEST_SEARCH.samples },
      (_, i) => `r${Math.floor(i / KILL_TEST_SEARCH.samples)}-s${i % KILL_TEST_SEARCH.samples}`,
    ).sort();
    expect(all).toEqual(expected);
    expect(lines(log('started-2')).filter((key) => finished1.includes(key))).toEqual([]);
    // The resumed process retrained exactly the round-1 samples the kill had left unrecorded.
    expect(
      lines(log('started-2'))
        .filter((k) => k.startsWith('r1-'))
        .sort(),
    ).toEqual(
      Array.from({ length: KILL_TEST_SEARCH.samples }, (_, n) => `r1-s${n}`)
        .filter((k) => !recordedAtKill.includes(k))
        .sort(),
    );

    // Same final policy and samples as a search that was never interrupted.
    const reference = await runSearch({
      ...KILL_TEST_SEARCH,
      out: path.join(root, 'reference'),
      runner: createFakeRunner(),
    });
    const final = await loadSearchState(out);
    expect(final.completed).toBe(true);
    expect(final.muX).toEqual(reference.state.muX);
    expect(final.rng).toEqual(reference.state.rng);
    expect(final.history.map((r) => [r.thetas, r.seeds, r.samples.map((s) => s.reward)])).toEqual(
      reference.state.history.map((r) => [r.thetas, r.seeds, r.samples.map((s) => s.reward)]),
    );
  });
});
