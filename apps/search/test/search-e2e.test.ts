/**
 * A whole search, end to end, through the local runner's worker processes: a 3-step warm start,
 * 1 round × 2 samples of a tiny proxy (3 steps at 64 px) starting from it, then a resume of the
 * finished search (nothing retrained).
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonFile } from '@apdet/io';
import { validateLossParams } from '@apdet/losses';
import type { SearchState } from '@apdet/search';
import { FUNCTIONS_PLOT, REWARD_PLOT } from '../src/plots.js';
import { searchCommand, type SearchIo } from '../src/search-command.js';
import { makeFixture, tinyTask, type Fixture } from './helpers.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture();
});
afterAll(async () => {
  await rm(fx.dir, { recursive: true, force: true });
});

function collectingIo(): SearchIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (l) => lines.push(l), progressStream: { write: (s: string) => lines.push(s), isTTY: false } };
}

describe('apdet-search end to end (local runner)', () => {
  it('warm-starts, runs 1 round × 2 samples, writes state, rounds, final params and plots, and resumes as complete', async () => {
    const out = path.join(fx.dir, 'search');
    const io = collectingIo();
    const flags = {
      command: 'search',
      detector: 'retinanet',
      runner: 'local',
      rounds: 1,
      samples: 2,
      workers: 2,
      seed: 3,
      proxyPretrainEpochs: 1,
      out,
    } as const;
    const state = await searchCommand(flags, io, tinyTask(fx));
    const text = io.lines.join('');
    expect(state.completed, text).toBe(true);
    // The warm start ran once on proxy-train and every proxy job was given its checkpoint.
    const init = path.resolve(out, 'proxy-pretrain', 'latest.safetensors');
    expect(existsSync(init)).toBe(true);
    expect(text).toMatch(/proxy warm start done: proxy-val AP \d\.\d{4} after 3 steps/);
    expect((state.task as { init?: string }).init).toBe(init);
    expect(state.history).toHaveLength(1);
    const samples = state.history[0].samples;
    expect(samples).toHaveLength(2);
    for (const s of samples) {
      expect(s.failed, s.reason).toBe(false);
      expect(s.reward).toBeGreaterThanOrEqual(0);
      expect(s.reward).toBeLessThanOrEqual(1);
    }
    // Both local workers took a job.
    expect(new Set(samples.map((s) => s.worker))).toEqual(new Set(['local-1', 'local-2']));
    expect(text).toMatch(/round 1\/1 sample 1\/2 r0-s[01]: reward \d\.\d{4}/);
    expect(text).toMatch(/round 1\/1 sample 2\/2 r0-s[01]: reward/);

    const saved = (await readJsonFile(path.join(out, 'state.json'))) as SearchState;
    expect(saved.completed).toBe(true);
    const rounds = (await readFile(path.join(out, 'rounds.jsonl'), 'utf8')).trim().split('\n');
    expect(rounds).toHaveLength(1);
    const finalParams = await readJsonFile(path.join(out, 'final-params.json'));
    expect(() => validateLossParams('param-ap', finalParams, 'final-params.json')).not.toThrow();
    // Plots are drawn unless rendering is impossible here (then a warning, never a failure).
    for (const plot of [REWARD_PLOT, FUNCTIONS_PLOT]) {
      if (!existsSync(path.join(out, plot)))
        expect(text).toMatch(new RegExp(`warning: could not draw ${plot.replace('.', '\\.')}`));
    }

    const again = collectingIo();
    const resumed = await searchCommand(
      { command: 'search', detector: 'retinanet', runner: 'local', workers: 1, resume: out },
      again,
    );
    expect(again.lines.join('')).toMatch(/already complete/);
    expect(resumed.history[0].samples).toEqual(samples);
    // Resume as users type it: the original command with --resume added, and a flag that disagrees.
    const typed = await searchCommand({ ...flags, resume: out }, collectingIo());
    expect(typed.history[0].samples).toEqual(samples);
    await expect(searchCommand({ ...flags, resume: out, proxyEpochs: 5 }, collectingIo())).rejects.toThrow(
      /--proxy-epochs disagrees with the search \(it has 1\)/,
    );
    // Two worker processes start tsx and the wasm backend: slow on a loaded 2-core machine.
  }, 300_000);
});
