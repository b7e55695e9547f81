import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeShapesDataset } from '@apdet/data';
import { parseFlags, runTraining, trainingJobFromFlags } from '@apdet/train';
import { beforeAll, describe, expect, it } from 'vitest';

// A tiny training run (8 steps on 24 generated 64-px images), then the eval CLI in run mode must
// reproduce the stats the run wrote at its end (eval.json), explicitly and as the flag-less default.
const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'apdet-eval.mjs');
const TINY = {
  base: 'retinanet-tiny',
  inputSize: [64, 64],
  fpn: { outChannels: 16 },
  head: { stackedConvs: 1, channels: 16 },
  train: { batchSize: 4, lr: 0.01, warmupIters: 2, epochs: 2, lrSteps: [] },
};

let work: string;
let runDir: string;

function evalCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: work, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const statsOf = async (file: string): Promise<number[]> =>
  (JSON.parse(await readFile(file, 'utf8')) as { stats: number[] }).stats;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'apdet-eval-run-'));
  const data = path.join(work, 'shapes');
  await makeShapesDataset(data, { train: 24, val: 8, size: 64, seed: 3 });
  const config = path.join(work, 'tiny.json');
  await writeFile(config, JSON.stringify(TINY));
  runDir = path.join(work, 'runs', 'tiny-run');
  const quiet = { log: () => {}, out: () => {}, progressStream: { write: () => true, isTTY: false } };
  await runTraining(
    await trainingJobFromFlags(
      parseFlags(['retinanet', '--data', data, '--config', config, '--backend', 'wasm', '--out', runDir]),
    ),
    { io: quiet },
  );
}, 240_000);

describe('apdet-eval run mode', () => {
  it("--run evaluates the best checkpoint and reproduces the run's eval.json", async () => {
    const r = await evalCli(['--run', runDir, '--backend', 'wasm', '--out', path.join(work, 'explicit.json')]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Average Precision/);
    const expected = await statsOf(path.join(runDir, 'eval.json'));
    (await statsOf(path.join(work, 'explicit.json'))).forEach((v, i) =>
      expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(1e-12),
    );
    const written = JSON.parse(await readFile(path.join(runDir, 'eval-best', 'detections.json'), 'utf8')) as unknown[];
    expect(Array.isArray(written)).toBe(true);
  });

  it('with no flags evaluates the newest run under runs/', async () => {
    const r = await evalCli(['--backend', 'wasm', '--out', path.join(work, 'default.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(path.join('runs', 'tiny-run'));
    expect(await statsOf(path.join(work, 'default.json'))).toEqual(await statsOf(path.join(work, 'explicit.json')));
  });

  it('a folder that is not a run is one clear error', async () => {
    const r = await evalCli(['--run', path.join(work, 'shapes')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/not a training run \(no manifest\.json\)/);
  });

  it("an --out that is one of the run's files, or a blocked output folder, is refused before detecting", async () => {
    const manifest = path.join(runDir, 'manifest.json');
    const before = await readFile(manifest, 'utf8');
    const r = await evalCli(['--run', runDir, '--backend', 'wasm', '--out', manifest]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^apdet-eval: error: --out .*manifest\.json is the run's manifest/);
    expect(await readFile(manifest, 'utf8')).toBe(before);

    // <run>/eval-latest/ is where the evaluation writes; a file there blocks it.
    await writeFile(path.join(runDir, 'eval-latest'), 'not a folder');
    const blocked = await evalCli(['--checkpoint', path.join(runDir, 'latest.safetensors'), '--backend', 'wasm']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr.trim().split('\n')).toHaveLength(1);
    expect(blocked.stderr).toMatch(/^apdet-eval: error: .*eval-latest.* is a file, not a folder/);
    expect(blocked.stdout).not.toMatch(/evaluating/);
  });
});
