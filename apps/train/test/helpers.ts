/**
 * Shared test fixtures: a tiny generated shapes dataset (64 px, 24 train / 8 val images) and a
 * reduced RetinaNet config, both in a temporary directory, plus in-process and CLI runners.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeShapesDataset } from '@apdet/data';
import { parseFlags, runTraining, trainingJobFromFlags, type RunIo, type RunOutput } from '../src/index.js';

export const APP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(APP_ROOT, 'bin', 'apdet-train.mjs');

/** retinanet-tiny with thinner FPN/head and a short warm-up: a step on 4 images at 64 px is ~0.1 s on wasm. */
export const TEST_CONFIG = {
  base: 'retinanet-tiny',
  inputSize: [64, 64],
  fpn: { outChannels: 16 },
  head: { stackedConvs: 1, channels: 16 },
  train: { batchSize: 4, lr: 0.01, warmupIters: 2, epochs: 50, lrSteps: [] },
};

export interface Fixture {
  dir: string;
  data: string;
  config: string;
}

export async function makeFixture(): Promise<Fixture> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'apdet-train-test-'));
  const data = path.join(dir, 'shapes');
  await makeShapesDataset(data, { train: 24, val: 8, size: 64, seed: 3 });
  const config = path.join(dir, 'tiny-test.json');
  await writeFile(config, JSON.stringify(TEST_CONFIG));
  return { dir, data, config };
}

export function quietIo(): RunIo & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    log: (l) => lines.push(l),
    progressStream: { write: (s: string) => lines.push(s), isTTY: false },
    out: (t) => lines.push(t),
  };
}

/** Runs apdet-train in this process (no tsx start-up per run). */
export async function train(args: string[]): Promise<RunOutput> {
  return runTraining(await trainingJobFromFlags(parseFlags(['retinanet', ...args])), { io: quietIo() });
}

/** Runs the CLI as a user would; returns exit status and output. */
export function cli(args: string[], cwd = APP_ROOT): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
