/**
 * The run folder is the user's work: it is taken by one run at a time, never written over when
 * it holds something else, its path is checked before any work, write errors are one line, and
 * a checkpoint only continues the run it belongs to. Also: a batch larger than the training set
 * is refused. Through the real CLI where the message or the exit code is the point.
 */
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUserError } from '@apdet/io';
import { parseFlags, readMetrics, runTraining, trainingJobFromFlags } from '../src/index.js';
import { cli, cliChild, expectOneErrorLine, makeFixture, quietIo, rejection, train, type Fixture } from './helpers.js';

let fx: Fixture;
const common = () => [
  '--data',
  fx.data,
  '--config',
  fx.config,
  '--backend',
  'cpu',
  '--train-images',
  '8',
  '--val-images',
  '1',
];

beforeAll(async () => {
  fx = await makeFixture({ train: 32 });
}, 120_000);
afterAll(async () => rm(fx.dir, { recursive: true, force: true }));

describe('one run per folder', () => {
  it('two runs started together on one --out: one trains, the other is refused', async () => {
    const out = path.join(fx.dir, 'shared');
    const start = async () =>
      runTraining(
        await trainingJobFromFlags(
          parseFlags(['retinanet', ...common(), '--max-steps', '3', '--log-every', '1', '--out', out]),
        ),
        { io: quietIo() },
      );
    // Both start before either has written anything (the check of one cannot see the other's manifest).
    const results = await Promise.allSettled([start(), start()]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(String(refused[0].reason)).toMatch(/--out .*shared is in use by another apdet-train \(pid \d+/);
    const iters = (await readMetrics(path.join(out, 'metrics.jsonl'))).map((m) => m.iter);
    expect(iters).toEqual([1, 2, 3, 3]); // 3 train lines and the final eval, once
  }, 120_000);

  it('a folder in use by a live process is refused in one line through the CLI', async () => {
    const out = path.join(fx.dir, 'in-use');
    await mkdir(out);
    // This test process stands for a running apdet-train that holds the folder.
    await writeFile(
      path.join(out, '.apdet-train.lock'),
      JSON.stringify({ pid: process.pid, host: hostname(), startedAt: '2026-12-03T12:00:00.000Z' }),
    );
    expectOneErrorLine(
      cli(['retinanet', ...common(), '--max-steps', '1', '--out', out]),
      new RegExp(`--out .*in-use is in use by another apdet-train \\(pid ${process.pid} on `),
    );
    expect(await readdir(out)).toEqual(['.apdet-train.lock']);
  }, 60_000);

  it('runs started together without --out get folders of their own', async () => {
    const cwd = path.join(fx.dir, 'default-names');
    await mkdir(cwd);
    const args = ['retinanet', ...common(), '--max-steps', '1'];
    const results = await Promise.all([cliChild(args, { cwd }), cliChild(args, { cwd })]);
    for (const r of results) expect(r.status, r.stderr).toBe(0);
    const runs = await readdir(path.join(cwd, 'runs'));
    expect(runs).toHaveLength(2);
    for (const run of runs) expect(existsSync(path.join(cwd, 'runs', run, 'eval.json'))).toBe(true);
  }, 180_000);
});

describe('--out that holds something else, or cannot be written', () => {
  it('a folder with files but no run is refused and left as it was', async () => {
    const out = path.join(fx.dir, 'my-notes');
    await mkdir(out);
    await writeFile(path.join(out, 'metrics.jsonl'), 'my own notes\n');
    expectOneErrorLine(
      cli(['retinanet', ...common(), '--max-steps', '1', '--out', out]),
      /--out .*my-notes holds files but no run \(no manifest\.json\)/,
    );
    expect(await readdir(out)).toEqual(['metrics.jsonl']);
    expect(await readFile(path.join(out, 'metrics.jsonl'), 'utf8')).toBe('my own notes\n');
  }, 60_000);

  it('--out that is a file, or under a file, is refused before any work', async () => {
    const file = path.join(fx.dir, 'a-file.txt');
    await writeFile(file, 'x');
    expectOneErrorLine(cli(['retinanet', ...common(), '--out', file]), /--out .*a-file\.txt is a file, not a folder/);
    expectOneErrorLine(
      cli(['retinanet', ...common(), '--out', path.join(file, 'run')]),
      /--out .*a-file\.txt\/run: .*a-file\.txt is a file, not a folder/,
    );
    expect(await readFile(file, 'utf8')).toBe('x');
  }, 60_000);

  it.skipIf(process.getuid?.() === 0)(
    '--out in a read-only folder is refused before any work',
    async () => {
      const parent = path.join(fx.dir, 'read-only');
      await mkdir(parent, { mode: 0o555 });
      expectOneErrorLine(
        cli(['retinanet', ...common(), '--out', path.join(parent, 'run')]),
        /--out .*read-only\/run: .*read-only is not writable/,
      );
    },
    60_000,
  );

  it('a checkpoint that cannot be written ends the run with one line', async () => {
    const run = path.join(fx.dir, 'blocked-checkpoint');
    const flags = parseFlags(['retinanet', ...common(), '--max-steps', '4', '--out', run]);
    const error = await rejection(
      runTraining(await trainingJobFromFlags(flags), {
        io: quietIo(),
        hooks: {
          // A directory where the epoch-end checkpoint (after step 2) must go: its rename fails.
          afterStep: (s) => {
            if (s.iter === 1) mkdirSync(path.join(run, 'latest.safetensors', 'blocker'), { recursive: true });
          },
        },
      }),
    );
    expect(isUserError(error), String(error)).toBe(true);
    expect(error.message.split('\n')).toHaveLength(1);
    // @apdet/nn's checkpoint writer already reports this one (EISDIR) as a UserError of its own.
    expect(error.message).toMatch(/latest\.safetensors: (could not write \(|is a directory)/);
  }, 60_000);

  it('disk full while writing metrics: one line, and latest is saved', async () => {
    const run = path.join(fx.dir, 'disk-full');
    const flags = parseFlags(['retinanet', ...common(), '--max-steps', '4', '--log-every', '1', '--out', run]);
    const error = await rejection(
      runTraining(await trainingJobFromFlags(flags), {
        io: quietIo(),
        hooks: {
          // metrics.jsonl becomes /dev/full: the kernel answers the next append with ENOSPC.
          afterStep: (s) => {
            if (s.iter === 2) {
              rmSync(path.join(run, 'metrics.jsonl'));
              symlinkSync('/dev/full', path.join(run, 'metrics.jsonl'));
            }
          },
        },
      }),
    );
    expect(isUserError(error), String(error)).toBe(true);
    expect(error.message.split('\n')).toHaveLength(1);
    expect(error.message).toMatch(/metrics\.jsonl: could not write \(no space left on device\)/);
    expect(error.message).toMatch(/saved .*latest\.safetensors at step 3/);
  }, 60_000);
});

describe('--resume checks', () => {
  it("refuses another run's checkpoint", async () => {
    const a = path.join(fx.dir, 'run-a');
    const b = path.join(fx.dir, 'run-b');
    await train([...common(), '--max-steps', '1', '--out', a]);
    await train([...common(), '--max-steps', '1', '--out', b]);
    await copyFile(path.join(a, 'latest.safetensors'), path.join(b, 'latest.safetensors'));
    expectOneErrorLine(
      cli(['retinanet', '--resume', b, '--max-steps', '2']),
      /run-b\/latest\.safetensors: a checkpoint of another run \(run id [0-9a-f-]+; this run is [0-9a-f-]+\)/,
    );
  }, 120_000);

  it('refuses to continue on a changed training set unless --allow-data-change', async () => {
    const data = path.join(fx.dir, 'changing');
    await mkdir(data);
    for (const entry of ['train', 'val', 'instances_val.json'])
      await symlink(path.join(fx.data, entry), path.join(data, entry));
    const annotations = JSON.parse(await readFile(path.join(fx.data, 'instances_train.json'), 'utf8')) as {
      images: { id: number }[];
      annotations: { image_id: number }[];
    };
    await writeFile(path.join(data, 'instances_train.json'), JSON.stringify(annotations));
    const run = path.join(fx.dir, 'run-changing');
    const args = ['--data', data, '--config', fx.config, '--backend', 'cpu', '--val-images', '1'];
    await train([...args, '--max-steps', '1', '--out', run]);
    // Four images fewer: another epoch length and lr schedule.
    const dropped = new Set(annotations.images.slice(0, 4).map((im) => im.id));
    await writeFile(
      path.join(data, 'instances_train.json'),
      JSON.stringify({
        ...annotations,
        images: annotations.images.filter((im) => !dropped.has(im.id)),
        annotations: annotations.annotations.filter((an) => !dropped.has(an.image_id)),
      }),
    );
    expectOneErrorLine(
      cli(['retinanet', '--resume', run, '--max-steps', '2']),
      /the training set changed since the run started \(32 → 28 images, .*instances_train\.json .*\); .*--allow-data-change/,
    );
    const resumed = await train(['--resume', run, '--max-steps', '2', '--allow-data-change']);
    expect(resumed.state.iter).toBe(2);
  }, 120_000);
});

describe('--batch', () => {
  it('larger than the training set is refused, naming the set size', () => {
    expectOneErrorLine(
      cli([
        'retinanet',
        ...['--data', fx.data, '--config', fx.config, '--backend', 'cpu', '--batch', '64'],
        ...['--out', path.join(fx.dir, 'big-batch')],
      ]),
      /--batch 64 is larger than the training set \(32 images with boxes/,
    );
    // Refused before any work: the run folder it had taken is removed again, being empty.
    expect(existsSync(path.join(fx.dir, 'big-batch'))).toBe(false);
  }, 60_000);
});
