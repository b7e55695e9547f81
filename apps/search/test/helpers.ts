/**
 * Shared test fixtures: a tiny generated shapes dataset (64 px, 24 train / 8 val images) in a
 * temporary directory, a reduced RetinaNet config, and proxy jobs on it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeShapesDataset } from '@apdet/data';
import { initialMu, RETINANET_SPACE, thetaToLossParams, type ProxyJob } from '@apdet/search';
import { proxySplitSpec, type ProxySplitSpec } from '../src/proxy-data.js';
import type { ProxyTaskSettings } from '../src/proxy-task.js';

export const APP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(APP_ROOT, 'bin', 'apdet-search.mjs');

/** retinanet-tiny with thinner FPN/head: a step on 4 images at 64 px is ~0.1 s on wasm. */
export const TEST_CONFIG = {
  base: 'retinanet-tiny',
  inputSize: [64, 64],
  fpn: { outChannels: 16 },
  head: { stackedConvs: 1, channels: 16 },
  train: { batchSize: 4, lr: 0.01, warmupIters: 2, epochs: 1, lrSteps: [] },
};

export interface Fixture {
  dir: string;
  /** The source dataset (24 train / 8 val images). */
  data: string;
  split: ProxySplitSpec;
}

export async function makeFixture(): Promise<Fixture> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'apdet-search-test-'));
  const data = path.join(dir, 'shapes');
  await makeShapesDataset(data, { train: 24, val: 8, size: 64, seed: 3 });
  return { dir, data, split: proxySplitSpec(data, false, 7, 0.75) };
}

export function tinyTask(fx: Fixture, overrides: Partial<ProxyTaskSettings> = {}): ProxyTaskSettings {
  return {
    detector: 'retinanet',
    split: fx.split,
    trainImages: 12,
    valImages: 6,
    epochs: 1,
    config: TEST_CONFIG,
    backend: 'wasm',
    maxSteps: 3,
    ...overrides,
  };
}

/** The search's starting point: θ = the initial policy mean (every function the identity, w = 1). */
export function linearJob(task: ProxyTaskSettings, key = 'r0-s0'): ProxyJob {
  const theta = initialMu(RETINANET_SPACE);
  return {
    key,
    round: 0,
    sample: 0,
    theta,
    seed: 1,
    lossParams: thetaToLossParams(RETINANET_SPACE, theta) as unknown as Record<string, unknown>,
    task: task,
  };
}

/** Runs the CLI as a user would; returns exit status and output. */
export function cli(args: string[], cwd = APP_ROOT): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
