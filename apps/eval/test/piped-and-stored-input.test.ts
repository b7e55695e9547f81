/**
 * Issue 22 items 10 and 11 through the real CLI (child processes):
 * - `--dt /dev/stdin` from a shell pipe is read once, so a record error is reported as that
 *   error (it read as "the file is empty" when the file was read a second time);
 * - a run's manifest is checked for content with the detector's config schema, so
 *   `head.channels: "many"` is one line naming the field, not a tfjs assertion.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeShapesDataset } from '@apdet/data';
import { parseFlags, runTraining, trainingJobFromFlags } from '@apdet/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(here, '..', 'bin', 'apdet-eval.mjs');
const FIXTURE = path.join(here, 'fixtures', 'p02_crowd');
const dir = mkdtempSync(path.join(tmpdir(), 'apdet-eval-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Exit 1 with one `apdet-eval: error: …` line (after the backend's note, if any) and no stack trace. */
function expectOneErrorLine(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('[apdet/backend]'));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^apdet-eval: error: /);
  expect(lines[0]).toMatch(pattern);
}

describe('--dt /dev/stdin (item 10)', () => {
  /** `cat <input> | apdet-eval --gt p02 --dt /dev/stdin`: a real pipe (Node's own stdio pipes are sockets). */
  function piped(input: string) {
    const file = path.join(dir, 'piped.json');
    writeFileSync(file, input);
    const command = `cat '${file}' | '${process.execPath}' '${BIN}' --gt '${path.join(FIXTURE, 'gt.json')}' --dt /dev/stdin`;
    const r = spawnSync('sh', ['-c', command], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('reports the record error of piped detections, and evaluates valid ones', () => {
    const dt = readFileSync(path.join(FIXTURE, 'dt.json'), 'utf8');
    const broken = dt.replace('"bbox":[401.11,303.09,95.53,63.52]', '"bbox":[401.11,303.09,-95.53,63.52]');
    expect(broken).not.toBe(dt);
    expectOneErrorLine(piped(broken), /\/dev\/stdin: .*\[1\].*bbox\[2\] \(width\) is -95\.53/);
    const ok = piped(dt);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(
      /Average Precision {2}\(AP\) @\[ IoU=0\.50:0\.95 \| area= {3}all \| maxDets=100 \] = 0\.838/,
    );
  });
});

describe('a run whose manifest holds a config of the wrong content (item 11)', () => {
  let runDir: string;
  beforeAll(async () => {
    const data = path.join(dir, 'shapes');
    await makeShapesDataset(data, { train: 4, val: 1, size: 64, seed: 3 });
    const config = path.join(dir, 'tiny.json');
    const tiny = {
      base: 'retinanet-tiny',
      inputSize: [64, 64],
      fpn: { outChannels: 8 },
      head: { stackedConvs: 1, channels: 8 },
      train: { batchSize: 2, warmupIters: 1, lrSteps: [] },
    };
    writeFileSync(config, JSON.stringify(tiny));
    runDir = path.join(dir, 'run');
    const quiet = { log: () => {}, out: () => {}, progressStream: { write: () => true, isTTY: false } };
    const flags = [
      'retinanet',
      '--data',
      data,
      '--config',
      config,
      '--backend',
      'cpu',
      '--out',
      runDir,
      '--max-steps',
      '1',
    ];
    await runTraining(await trainingJobFromFlags(parseFlags(flags)), { io: quiet, report: false });
  }, 240_000);

  it('head.channels: "many" is one line naming the field', async () => {
    const file = path.join(runDir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
      settings: { config: { head: { channels: unknown } } };
    };
    manifest.settings.config.head.channels = 'many';
    writeFileSync(file, JSON.stringify(manifest));
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [BIN, '--run', runDir, '--backend', 'cpu'],
        { cwd: dir, timeout: 60_000 },
        (error, _o, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
      );
    });
    expectOneErrorLine(r, /manifest\.json: settings\.config: head\.channels: expected an integer ≥ 1, got 'many'$/);
  });
});
