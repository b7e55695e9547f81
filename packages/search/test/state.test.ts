// state.json content is validated on load: a damaged file is a one-line UserError naming the file and field.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isUserError } from '@apdet/io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSearch } from '../src/run-search.js';
import { RETINANET_SPACE } from '../src/search-space.js';
import { loadSearchState, stateFile } from '../src/state.js';
import { createFakeRunner } from './fixtures/fake-runner.js';

const root = mkdtempSync(path.join(tmpdir(), 'apdet-search-state-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A finished 1-round search and an interrupted one (round 2 in progress), as written by runSearch. */
let done: Record<string, any>;
let running: Record<string, any>;

beforeAll(async () => {
  const task = { detector: 'fake' };
  const a = path.join(root, 'done');
  await runSearch({ space: RETINANET_SPACE, rounds: 1, samples: 3, seed: 5, task, out: a, runner: createFakeRunner() });
  done = JSON.parse(readFileSync(stateFile(a), 'utf8'));
  const b = path.join(root, 'running');
  await runSearch({ space: RETINANET_SPACE, rounds: 1, samples: 3, seed: 5, task, out: b, runner: createFakeRunner() });
  running = JSON.parse(readFileSync(stateFile(b), 'utf8'));
  // Round 2 of 2, drawn and partly recorded (the shape beginRound and the outcome writes leave).
  running.settings.rounds = 2;
  running.completed = false;
  running.current = {
    round: 1,
    sigma: [...running.sigma],
    thetas: [0, 1, 2].map(() => [...running.mu]),
    seeds: [1, 2, 3],
    outcomes: [{ reward: 0.25, failed: false, seconds: 1 }, null, null],
    wallSeconds: 2,
  };
});

let n = 0;
/** Writes `state` to a fresh search folder and loads it; returns the state or the UserError message. */
async function load(state: unknown): Promise<{ file: string; message?: string; value?: unknown }> {
  const dir = path.join(root, `case-${n++}`);
  mkdirSync(dir);
  const file = stateFile(dir);
  writeFileSync(file, JSON.stringify(state));
  try {
    return { file, value: await loadSearchState(dir) };
  } catch (error) {
    expect(isUserError(error), String(error)).toBe(true);
    return { file, message: (error as Error).message };
  }
}

/** `base` with `edit` applied to a deep copy. */
function changed(base: Record<string, any>, edit: (s: Record<string, any>) => void): Record<string, any> {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}

describe('loadSearchState', () => {
  it('accepts the states runSearch writes, finished and in progress', async () => {
    expect((await load(done)).value).toMatchObject({ round: 1, completed: true, rng: done.rng });
    expect((await load(running)).value).toMatchObject({ current: { outcomes: [{ reward: 0.25 }, null, null] } });
  });

  it('reads a non-finite PPO objective (stored as null) back as NaN', async () => {
    const state = changed(done, (s) => (s.history[0].ppo.objectiveLast = null));
    const value = (await load(state)).value as { history: { ppo: { objectiveLast: number } }[] };
    expect(value.history[0].ppo.objectiveLast).toBeNaN();
  });

  it('refuses bad content with one line naming the file and the field', async () => {
    const cases: [Record<string, any>, RegExp][] = [
      [changed(done, (s) => (s.rng = null)), /: rng: expected 4 unsigned 32-bit integers, got null$/],
      [changed(done, (s) => (s.rng = [1, 2, 3])), /: rng: expected 4 unsigned 32-bit integers, got \[1,2,3\]$/],
      [changed(done, (s) => (s.rng[2] = -1)), /: rng\[2\]: expected a number ≥ 0, got -1$/],
      [
        changed(running, (s) => (s.current.outcomes[0].reward = '0.5')),
        /: current\.outcomes\[0\]\.reward: expected a number, got "0\.5"$/,
      ],
      [
        changed(done, (s) => (s.history[0].samples[1].reward = 'x')),
        /: history\[0\]\.samples\[1\]\.reward: expected a number, got "x"$/,
      ],
      [changed(done, (s) => delete s.settings), /: settings: missing \(expected an object\)$/],
      [changed(done, (s) => (s.settings.samples = 0)), /: settings\.samples: expected a number ≥ 1, got 0$/],
      [
        changed(done, (s) => (s.settings.space.paramsPerFunction = 6)),
        /: settings\.space\.paramsPerFunction: expected 4 or 8 or 12, got 6$/,
      ],
      [
        changed(done, (s) => s.settings.space.heads[0].functions.reverse()),
        /: settings\.space: head 0: functions must be/,
      ],
      [
        changed(done, (s) => s.muX.pop()),
        /: muX: expected 41 numbers \(the dimensions of search space 'retinanet'\), got 40$/,
      ],
      [changed(done, (s) => (s.sigma[3] = null)), /: sigma\[3\]: expected a number, got null$/],
      [changed(done, (s) => (s.round = 2)), /: round: expected an integer in \[0, 1\], got 2$/],
      [changed(done, (s) => (s.round = 1.5)), /: round: expected an integer, got 1\.5$/],
      [changed(done, (s) => (s.history = [])), /: history: expected 1 records \(one per finished round\), got 0$/],
      [
        changed(running, (s) => (s.current.round = 0)),
        /: current\.round: expected 1 \(the round to run next\), got 0$/,
      ],
      [
        changed(running, (s) => s.current.seeds.pop()),
        /: current\.seeds: expected 3 entries \(one per sample\), got 2$/,
      ],
      [changed(running, (s) => s.current.thetas[1].pop()), /: current\.thetas\[1\]: expected 41 numbers, got 40$/],
    ];
    for (const [state, expected] of cases) {
      const { file, message } = await load(state);
      expect(message, JSON.stringify(expected)).toMatch(expected);
      expect(message!.startsWith(`${file}: `)).toBe(true);
      expect(message).not.toContain('\n');
    }
  });

  it('keeps the format and version messages', async () => {
    expect((await load({ format: 'x' })).message).toMatch(
      /: not an apdet search state \(format is not "apdet-search-state"\)$/,
    );
    expect((await load(null)).message).toMatch(/: not an apdet search state/);
    expect((await load(changed(done, (s) => (s.version = 2)))).message).toMatch(
      /: state version 2 is not supported \(expected 1\)$/,
    );
  });
});
