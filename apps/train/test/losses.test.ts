/**
 * A few dozen steps for every registry loss on the same 4 images: the loss must go down.
 * wasm backend (the CPU default); the model is the reduced test config.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOSS_NAMES } from '@apdet/losses';
import { readMetrics, type TrainMetric } from '../src/index.js';
import { makeFixture, train, type Fixture } from './helpers.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture();
});
afterAll(async () => {
  await rm(fx.dir, { recursive: true, force: true });
});

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Steps, lr and the required drop (mean of the last 4 logged losses below `ratio` × the first
 * 4's). Measured ratios at these settings: 0.71–0.96. `param-ap:sigmoid` is flat for its first
 * ~10 steps (its sigmoid ranking surrogate barely moves while every score sits at the prior)
 * and then decreases slowly: it gets more steps, a larger lr and a smaller required drop
 * (measured ratio 0.970 at 32 steps, lr 0.05). lr 0.05 is too high for focal+giou (it rises).
 */
const DEFAULT = { steps: 24, lr: 0.02, ratio: 0.97 };
const SETTINGS: Record<string, typeof DEFAULT> = { 'param-ap:sigmoid': { steps: 32, lr: 0.05, ratio: 0.99 } };

describe('every --loss trains', () => {
  it.each([...LOSS_NAMES])('%s: the loss decreases', async (loss) => {
    const { steps, lr, ratio } = SETTINGS[loss] ?? DEFAULT;
    const out = path.join(fx.dir, `run-${loss.replace(/[^a-z0-9]/gi, '_')}`);
    // 4 training images = one batch per step, so the curve is not batch-to-batch noise.
    await train(['--loss', loss, '--data', fx.data, '--config', fx.config, '--backend', 'wasm', '--train-images', '4', '--val-images', '2', '--max-steps', String(steps), '--log-every', '1', '--lr', String(lr), '--out', out]);
    const losses = (await readMetrics(path.join(out, 'metrics.jsonl'))).filter((m): m is TrainMetric => m.type === 'train').map((m) => m.loss);
    expect(losses).toHaveLength(steps);
    expect(losses.every(Number.isFinite)).toBe(true);
    const first = mean(losses.slice(0, 4));
    const last = mean(losses.slice(-4));
    expect(last, `${loss}: first 4 steps ${first.toFixed(4)}, last 4 ${last.toFixed(4)}`).toBeLessThan(ratio * first);
  });
});
