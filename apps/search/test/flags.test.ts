/**
 * Flag parsing (in process) and bad input through the real CLI: one
 * `apdet-search: error: …` line on stderr and a non-zero exit, before any work.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { helpText, parseCommandLine } from '../src/flags.js';
import { cli } from './helpers.js';

describe('parseCommandLine', () => {
  it('parses a search command', () => {
    expect(
      parseCommandLine([
        'retinanet',
        '--rounds',
        '3',
        '--samples',
        '4',
        '--workers',
        '2',
        '--proxy-images',
        '64',
        '--proxy-epochs',
        '2',
        '--seed',
        '5',
        '--out',
        'x',
        '--backend',
        'cpu',
      ]),
    ).toEqual({
      command: 'search',
      detector: 'retinanet',
      runner: 'local',
      rounds: 3,
      samples: 4,
      workers: 2,
      proxyImages: 64,
      proxyEpochs: 2,
      seed: 5,
      out: 'x',
      backend: 'cpu',
    });
  });

  it('parses the bullmq runner and the worker command', () => {
    expect(parseCommandLine(['retinanet', '--runner', 'bullmq', '--redis', 'redis://10.0.0.5:6379'])).toMatchObject({
      runner: 'bullmq',
      redis: 'redis://10.0.0.5:6379',
    });
    expect(parseCommandLine(['worker', '--redis', 'redis://127.0.0.1:6390', '--concurrency', '2'])).toEqual({
      command: 'worker',
      redis: 'redis://127.0.0.1:6390',
      concurrency: 2,
    });
    expect(parseCommandLine(['worker', '--redis', 'redis://h'])).toMatchObject({ concurrency: 1 });
    expect(parseCommandLine(['--help'])).toEqual({ command: 'help' });
    expect(parseCommandLine(['retinanet', '--rounds', '3', '-h'])).toEqual({ command: 'help' });
    expect(parseCommandLine(['worker', '--help'])).toEqual({ command: 'help', topic: 'worker' });
    expect(parseCommandLine(['retinanet', '--rounds=3', '--runner=local'])).toMatchObject({
      rounds: 3,
      runner: 'local',
    });
    expect(parseCommandLine(['retinanet', '--proxy-init', 'runs/pre/latest.safetensors'])).toMatchObject({
      proxyInit: 'runs/pre/latest.safetensors',
    });
    expect(parseCommandLine(['retinanet', '--proxy-pretrain-epochs', '0'])).toMatchObject({ proxyPretrainEpochs: 0 });
    expect(
      parseCommandLine(['retinanet', '--proxy-init', 'a.safetensors', '--proxy-pretrain-epochs', '0']),
    ).toMatchObject({ proxyInit: 'a.safetensors', proxyPretrainEpochs: 0 });
  });

  const errors: [string[], RegExp][] = [
    [[], /missing <detector>/],
    [['yolo'], /unknown detector 'yolo'; available: retinanet/],
    [['retinanet', 'extra'], /unexpected argument 'extra'/],
    [['retinanet', '--round', '3'], /^unknown option '--round' \(did you mean --rounds\?\); see apdet-search --help$/],
    [['retinanet', '--rounds'], /^option '--rounds <n>' argument missing; see apdet-search --help$/],
    [['retinanet', '--out', ''], /--out needs a directory, got an empty string/],
    [['retinanet', '--proxy-init', ' '], /--proxy-init needs a checkpoint file, got an empty string/],
    [['retinanet', '--rounds', '0'], /--rounds must be an integer >= 1, got '0'/],
    [['retinanet', '--proxy-pretrain-epochs', 'two'], /--proxy-pretrain-epochs must be an integer >= 0, got 'two'/],
    [
      ['retinanet', '--proxy-init', 'a.safetensors', '--proxy-pretrain-epochs', '2'],
      /--proxy-init gives the warm start; drop --proxy-pretrain-epochs/,
    ],
    [['retinanet', '--samples', '1'], /--samples must be an integer >= 2, got '1'/],
    [['retinanet', '--workers', '1.5'], /--workers must be an integer >= 1, got '1.5'/],
    [['retinanet', '--proxy-images', 'many'], /--proxy-images must be an integer >= 1, got 'many'/],
    [['retinanet', '--runner', 'slurm'], /--runner must be local or bullmq, got 'slurm'/],
    [['retinanet', '--runner', 'bullmq'], /--runner bullmq needs --redis <url>/],
    [['retinanet', '--redis', 'redis://h:1'], /--redis applies to --runner bullmq only/],
    [['retinanet', '--runner', 'bullmq', '--redis', 'http://h:1'], /--redis must use redis:\/\/ or rediss:\/\//],
    [
      ['retinanet', '--runner', 'bullmq', '--redis', 'localhost:6379'],
      /--redis must use redis:\/\/|--redis must be a URL/,
    ],
    [
      ['retinanet', '--runner', 'bullmq', '--redis', 'redis://h:1', '--workers', '2'],
      /--workers applies to --runner local/,
    ],
    [['retinanet', '--backend', 'gpu'], /--backend must be tensorflow, webgpu, wasm or cpu, got 'gpu'/],
    [['worker'], /apdet-search worker needs --redis <url>/],
    [['worker', '--redis', 'redis://h', '--concurrency', '0'], /--concurrency must be an integer >= 1, got '0'/],
    [['worker', '--redis', 'redis://h', 'x'], /takes no arguments, got 'x'/],
    [
      ['worker', '--redis', 'redis://h', '--rounds', '3'],
      /^unknown option '--rounds'; see apdet-search worker --help$/,
    ],
    [['worker', '--redis', 'redis://h:1:2'], /--redis must be a URL like redis:\/\/host:6379/],
  ];
  it.each(errors)('rejects %j', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(message);
  });

  it("has the worker's own help", () => {
    const text = helpText('worker');
    expect(text).toMatch(/^Usage: apdet-search worker --redis <url> \[flags\]\n/);
    expect(text).toMatch(/^ {2}--concurrency <n> +proxy trainings at a time/m);
    expect(text).not.toMatch(/--rounds/);
  });
});

describe('the CLI', () => {
  function expectOneErrorLine(r: { status: number | null; stderr: string }, pattern: RegExp): void {
    expect(r.status).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^apdet-search: error: /);
    expect(lines[0]).toMatch(pattern);
  }

  it('prints one line for a bad flag', () => {
    expectOneErrorLine(cli(['retinanet', '--rounds', 'x']), /--rounds must be an integer/);
  });

  it('prints one line when Redis is unreachable (search and worker)', () => {
    // Port 9 (discard) on loopback: nothing listens there, so the connection is refused at once.
    expectOneErrorLine(
      cli(['retinanet', '--runner', 'bullmq', '--redis', 'redis://127.0.0.1:9']),
      /cannot reach Redis at 127\.0\.0\.1:9 \(ECONNREFUSED\)/,
    );
    expectOneErrorLine(
      cli(['worker', '--redis', 'redis://127.0.0.1:9']),
      /cannot reach Redis at 127\.0\.0\.1:9 \(ECONNREFUSED\)/,
    );
  });

  it('prints one line for a missing --proxy-init checkpoint', () => {
    expectOneErrorLine(
      cli(['retinanet', '--proxy-init', 'no-such-run/latest.safetensors', '--out', 'never-made']),
      /--proxy-init .*no-such-run\/latest\.safetensors: no such file/,
    );
  });

  it('prints one line for an --out that cannot be written, before any data work', () => {
    // A file where the search folder (or one of its parents) should be: refused at once (issue
    // 22 item 8), not after building the proxy split and the warm start.
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'apdet-search-out-'));
    writeFileSync(path.join(scratch, 'taken'), 'a file');
    for (const out of ['taken', 'taken/search']) {
      expectOneErrorLine(
        cli(['retinanet', '--out', out], scratch),
        /^apdet-search: error: --out .*: cannot write: .*taken is a file, not a directory$/,
      );
    }
    expect(readdirSync(scratch)).toEqual(['taken']);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('prints one line for --resume of a folder without a search', () => {
    expectOneErrorLine(
      cli(['retinanet', '--resume', 'no-such-search-folder']),
      /no-such-search-folder: no state\.json here/,
    );
  });

  it('shows the help commander generates', () => {
    const r = cli(['--help']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^Usage: apdet-search <detector> \[flags\]\n/);
    // The list follows the registry of @apdet/train (retinanet first; commander wraps long lines).
    expect(r.stdout).toMatch(/^ {2}detector +the detector whose loss is searched: retinanet\b/m);
    expect(r.stdout).toMatch(/^ {2}--rounds <n> +policy updates \(default 8\)$/m);
    expect(r.stdout).toMatch(/^ {2}worker \[options\] +Serve the BullMQ queue/m);
  });
});
