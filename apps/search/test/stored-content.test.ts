/**
 * Issue 22 item 11: a stored search state is checked for content, with the same schema as the
 * state the search writes (packages/search/src/state-schema.ts), not only for its shape: a
 * `"rng": null` gave a stack trace, a string reward finished the search with NaN statistics.
 * Each now stops `apdet-search --resume` with one line naming the file and the field.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSearchState, runSearch, type ProxyRunner } from '@apdet/search';
import { proxySplitSpec } from '../src/proxy-data.js';
import { BIN, TEST_CONFIG } from './helpers.js';

let dir: string;
let stateText: string;

/** Answers every proxy job at once with a fixed reward: a real state.json in milliseconds. */
const instantRunner: ProxyRunner = {
  name: 'instant',
  async run(jobs, onOutcome) {
    for (const job of jobs) await onOutcome({ key: job.key, reward: 0.25, failed: false, seconds: 0.01 });
  },
  close: async () => {},
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'apdet-search-state-'));
  // A valid proxy task, so that a resume gets past it to what each case breaks.
  const task = {
    detector: 'retinanet',
    split: proxySplitSpec(path.join(dir, 'data'), false, 1),
    trainImages: 4,
    valImages: 2,
    epochs: 1,
    config: TEST_CONFIG,
    backend: 'wasm',
  };
  await runSearch({ out: path.join(dir, 'search'), runner: instantRunner, rounds: 1, samples: 2, seed: 1, task });
  stateText = await readFile(path.join(dir, 'search', 'state.json'), 'utf8');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `apdet-search retinanet --resume <folder> [args]` on a copy of the state changed by `edit`. */
async function resumeWith(
  name: string,
  edit: (state: Record<string, unknown>) => void,
  args: string[] = [],
  files: Record<string, string> = {},
) {
  const folder = path.join(dir, name);
  const state = JSON.parse(stateText) as Record<string, unknown>;
  edit(state);
  await mkdir(folder);
  await writeFile(path.join(folder, 'state.json'), JSON.stringify(state));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(folder, file)), { recursive: true });
    await writeFile(path.join(folder, file), text);
  }
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, 'retinanet', '--resume', folder, ...args], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('a stored search state with wrong content', () => {
  it('the unchanged state is valid (the edits below are what is refused)', async () => {
    await expect(loadSearchState(path.join(dir, 'search'))).resolves.toMatchObject({ completed: true });
  });

  it('"rng": null, a string reward, a reward of NaN (null) are one line each', async () => {
    const cases: [string, (s: Record<string, unknown>) => void, RegExp][] = [
      ['rng-null', (s) => (s.rng = null), /state\.json: rng: expected 4 unsigned 32-bit integers, got null$/],
      [
        'string-reward',
        (s) => ((s.history as { samples: { reward: unknown }[] }[])[0].samples[0].reward = '0.5'),
        /state\.json: history\[0\]\.samples\[0\]\.reward: expected a number, got "0\.5"$/,
      ],
      [
        'null-reward',
        (s) => ((s.history as { samples: { reward: unknown }[] }[])[0].samples[1].reward = null),
        /state\.json: history\[0\]\.samples\[1\]\.reward: expected a number, got null$/,
      ],
    ];
    const results = await Promise.all(cases.map(([name, edit]) => resumeWith(name, edit)));
    results.forEach((r, i) => {
      const [name, , pattern] = cases[i];
      expect(r.code, `${name}: ${r.stderr}`).toBe(1);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(/^apdet-search: error: /);
      expect(r.stderr.trim(), name).toMatch(pattern);
    });
  });

  it("a warm start's manifest that is not JSON is one line when the resume checks it", async () => {
    const r = await resumeWith('pretrain-manifest', () => {}, ['--proxy-pretrain-epochs', '3'], {
      'proxy-pretrain/manifest.json': '{"settings": {"config": ',
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(/^apdet-search: error: .*proxy-pretrain\/manifest\.json: invalid JSON/);
  });
});
