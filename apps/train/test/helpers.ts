/**
 * Shared test fixtures: a tiny generated shapes dataset (64 px, 24 train / 8 val images by
 * default) and a reduced RetinaNet config, both in a temporary directory, plus in-process and
 * CLI runners (blocking, or as child processes that can be signalled).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { makeShapesDataset } from '@apdet/data';
import { readSafetensors } from '@apdet/nn';
import { parseFlags, runTraining, trainingJobFromFlags, type RunIo, type RunOutput } from '../src/index.js';

export const APP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(APP_ROOT, 'bin', 'apdet-train.mjs');
export const EVAL_BIN = path.join(APP_ROOT, '..', 'eval', 'bin', 'apdet-eval.mjs');

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

/**
 * A temporary folder with `shapes/` (`apdet-data make-shapes --train <train> --val 8 --size 64
 * --seed 3`) and `tiny-test.json` ({@link TEST_CONFIG}: batch 4, so 32 images are 8 steps per epoch).
 */
export async function makeFixture(options: { train?: number } = {}): Promise<Fixture> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'apdet-train-test-'));
  const data = path.join(dir, 'shapes');
  await makeShapesDataset(data, { train: options.train ?? 24, val: 8, size: 64, seed: 3 });
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

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Node flags before the script (e.g. `--import <preload>`). */
  nodeArgs?: string[];
}

/** Runs the CLI as a user would; returns exit status and output. */
export function cli(args: string[], cwdOrOptions: string | CliOptions = APP_ROOT): CliResult {
  const o = typeof cwdOrOptions === 'string' ? { cwd: cwdOrOptions } : cwdOrOptions;
  const r = spawnSync(process.execPath, [...(o.nodeArgs ?? []), BIN, ...args], {
    cwd: o.cwd ?? APP_ROOT,
    env: o.env ?? process.env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Starts a CLI (apdet-train unless `bin` is given) as a child process; `onStderr` sees its
 * stderr as it comes (to signal it at a given step). Resolves when it exits.
 */
export function cliChild(
  args: string[],
  options: CliOptions & { bin?: string; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.bin ?? BIN, ...args], {
      cwd: options.cwd ?? APP_ROOT,
      env: options.env ?? process.env,
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      options.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** A failed CLI run with exactly one `<program>: error: …` line on stderr, matching `pattern`. */
export function expectOneErrorLine(
  r: { status: number | null; stderr: string },
  pattern: RegExp,
  program = 'apdet-train',
): void {
  expect(r.status, r.stderr).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^${program}: error: `));
  expect(lines[0]).toMatch(pattern);
}

/** The training state a checkpoint carries (`iter`, `next`, …), read without a backend. */
export async function checkpointState(file: string): Promise<Record<string, unknown>> {
  const { metadata } = await readSafetensors(file);
  return (JSON.parse(metadata.apdet ?? 'null') as { extra: Record<string, unknown> }).extra;
}

/** True when two safetensors files hold the same tensor names with bit-identical float32 data. */
export async function sameTensors(a: string, b: string): Promise<{ same: boolean; differing: string[] }> {
  const x = await readSafetensors(a);
  const y = await readSafetensors(b);
  const names = [...new Set([...x.tensors.keys(), ...y.tensors.keys()])].sort();
  const differing = names.filter((name) => {
    const t = x.tensors.get(name);
    const u = y.tensors.get(name);
    if (t === undefined || u === undefined) return true;
    const bytes = (v: typeof t) => Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength);
    return !bytes(t).equals(bytes(u));
  });
  return { same: differing.length === 0 && names.length > 0, differing };
}

/** The error a promise rejects with; a promise that resolves fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure, but it succeeded');
}
