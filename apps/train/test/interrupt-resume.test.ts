/**
 * Nothing lost on a stop (cpu backend, 32 train images at batch 4 = 8 steps per epoch):
 * - SIGINT at step 5 of an epoch through the real CLI: `latest` is saved with the loader
 *   position, the process exits 130, and `--resume` continues from step 5 and ends (at step 7)
 *   where an uninterrupted run ends, bit for bit (parameters, optimiser slots, every logged
 *   loss, the final evaluation);
 * - SIGTERM from outside: exit 143, `latest` at the step it reached;
 * - an error in the middle of an epoch (an unreadable image) saves `latest` before it ends the run;
 * - `--save-every-minutes` saves `latest` between epoch ends;
 * - a run folder with a manifest but no checkpoint yet resumes from step 0.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  datasetFiles,
  openRunData,
  openTrainSet,
  parseFlags,
  readManifest,
  readMetrics,
  runTraining,
  settingsFromFlags,
  trainingJobFromFlags,
  type TrainMetric,
} from '../src/index.js';
import {
  checkpointState,
  cli,
  cliChild,
  makeFixture,
  quietIo,
  rejection,
  sameTensors,
  train,
  type CliResult,
  type Fixture,
} from './helpers.js';

let fx: Fixture;
let preload: string;
const common = () => ['--data', fx.data, '--config', fx.config, '--backend', 'cpu', '--log-every', '1'];
const cliArgs = (...rest: string[]) => ['retinanet', ...common(), '--val-images', '2', ...rest];

beforeAll(async () => {
  fx = await makeFixture({ train: 32 });
  // A user's Ctrl-C right after step 5: the process sends itself a real SIGINT when its
  // progress output (one plain line per step off a terminal) reports iter 5.
  preload = path.join(fx.dir, 'sigint-at-step-5.mjs');
  await writeFile(
    preload,
    [
      'const write = process.stderr.write.bind(process.stderr);',
      'let sent = false;',
      'process.stderr.write = (chunk, ...rest) => {',
      '  const done = write(chunk, ...rest);',
      "  if (!sent && String(chunk).includes('(iter 5/')) {",
      '    sent = true;',
      "    process.kill(process.pid, 'SIGINT');",
      '  }',
      '  return done;',
      '};',
      '',
    ].join('\n'),
  );
}, 120_000);
afterAll(async () => rm(fx.dir, { recursive: true, force: true }));

const trainLosses = async (dir: string) =>
  (await readMetrics(path.join(dir, 'metrics.jsonl')))
    .filter((m): m is TrainMetric => m.type === 'train')
    .map((m) => [m.iter, m.epoch, m.step, m.loss, m.lr, m.gradNorm]);

describe('stop signals through the CLI', () => {
  it('SIGINT at step 5 saves latest; --resume ends bit-identical to an uninterrupted run', async () => {
    const straight = path.join(fx.dir, 'straight');
    const stopped = path.join(fx.dir, 'sigint');
    const sigterm = path.join(fx.dir, 'sigterm');
    let termSent = false;
    const [a, b, c] = await Promise.all([
      cliChild(cliArgs('--max-steps', '7', '--out', straight)),
      cliChild(cliArgs('--max-steps', '7', '--out', stopped), { nodeArgs: ['--import', preload] }),
      cliChild(cliArgs('--max-steps', '7', '--out', sigterm), {
        onStderr: (text, child) => {
          if (!termSent && text.includes('(iter 2/')) {
            termSent = true;
            child.kill('SIGTERM');
          }
        },
      }),
    ]);
    expect(a.status, a.stderr).toBe(0);

    // SIGINT: exit 130, one line saying where it stopped, latest at step 5 = epoch 0, step 5.
    expect(b.status, b.stderr).toBe(130);
    const lastLine = b.stderr.trim().split('\n').at(-1)!;
    expect(lastLine).toMatch(/^apdet-train: interrupted by SIGINT at step 5 \(epoch 1, step 5 of 8\)/);
    expect(lastLine).toContain(`--resume ${stopped}`);
    const state = await checkpointState(path.join(stopped, 'latest.safetensors'));
    expect(state).toMatchObject({ iter: 5, next: { epoch: 0, step: 5 } });

    const resumed = cli([...cliArgs('--max-steps', '7', '--out', stopped), '--resume', stopped]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming .* at step 5/);
    const same = await sameTensors(path.join(straight, 'latest.safetensors'), path.join(stopped, 'latest.safetensors'));
    expect(same.differing).toEqual([]);
    expect(same.same).toBe(true);
    expect(await trainLosses(stopped)).toEqual(await trainLosses(straight));
    expect((await readManifest(stopped)).resumes.map((r) => r.fromIter)).toEqual([5]);
    expect(JSON.parse(await readFile(path.join(stopped, 'eval.json'), 'utf8')).stats).toEqual(
      JSON.parse(await readFile(path.join(straight, 'eval.json'), 'utf8')).stats,
    );

    // SIGTERM from another process: exit 143, latest at the step named in the line, mid-epoch.
    expectStoppedMidEpoch(c, 'SIGTERM', 143);
    const saved = await checkpointState(path.join(sigterm, 'latest.safetensors'));
    const named = Number(/interrupted by SIGTERM at step (\d+)/.exec(c.stderr)![1]);
    expect(saved.iter).toBe(named);
    expect(named).toBeGreaterThanOrEqual(2);
    expect(named).toBeLessThan(7);
  }, 240_000);
});

function expectStoppedMidEpoch(r: CliResult, signal: string, status: number): void {
  expect(r.status, r.stderr).toBe(status);
  expect(r.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^apdet-train: interrupted by ${signal} at step \\d+`));
}

/** The training state in a checkpoint's header, read synchronously (hooks are synchronous). */
function latestIterSync(file: string): number | null {
  if (!existsSync(file)) return null;
  const bytes = readFileSync(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as {
    __metadata__: { apdet: string };
  };
  return (JSON.parse(header.__metadata__.apdet) as { extra: { iter: number } }).extra.iter;
}

describe('saving between epoch ends', () => {
  it('an error in the middle of an epoch saves latest with the loader position first', async () => {
    const args = [...common(), '--train-images', '8', '--val-images', '1'];
    // The image the run's loader reads at epoch 0, step 1 (its second step) becomes unreadable.
    const settings = await settingsFromFlags(parseFlags(['retinanet', ...args]));
    const files = await datasetFiles(settings, () => {});
    const data = await openRunData(settings, files, await openTrainSet(files));
    const victim = (await data.trainLoader.batchAt({ epoch: 0, step: 1 })).metas[0].file;
    await data.trainLoader.close();
    const original = await readFile(victim);
    await writeFile(victim, Buffer.from('not a png'));
    const run = path.join(fx.dir, 'data-error');
    try {
      const error = await rejection(train([...args, '--max-steps', '4', '--out', run]));
      expect(error).toBeInstanceOf(Error);
      expect(error.message.split('\n')).toHaveLength(1);
      expect(error.message).toMatch(/saved .*latest\.safetensors at step 1; continue with --resume/);
    } finally {
      await writeFile(victim, original);
    }
    expect(await checkpointState(path.join(run, 'latest.safetensors'))).toMatchObject({
      iter: 1,
      next: { epoch: 0, step: 1 },
    });
    const resumed = await train([...args, '--max-steps', '3', '--resume', run]);
    expect(resumed.state.iter).toBe(3);
    expect((await readManifest(run)).resumes.map((r) => r.fromIter)).toEqual([1]);
  }, 120_000);

  it('--save-every-minutes writes latest between epoch ends', async () => {
    const run = path.join(fx.dir, 'timed');
    // 0.0001 min = 6 ms: shorter than a step, so latest is written after every step.
    const flags = parseFlags([
      'retinanet',
      ...common(),
      '--val-images',
      '1',
      '--max-steps',
      '4',
      '--save-every-minutes',
      '0.0001',
      '--out',
      run,
    ]);
    const seen: (number | null)[] = [];
    await runTraining(await trainingJobFromFlags(flags), {
      io: quietIo(),
      hooks: { afterStep: () => void seen.push(latestIterSync(path.join(run, 'latest.safetensors'))) },
    });
    // Each step's hook sees the checkpoint of the step before (8 steps per epoch: no epoch end yet).
    expect(seen).toEqual([null, 1, 2, 3]);
    expect((await readManifest(run)).settings.saveEveryMinutes).toBe(0.0001);
  }, 120_000);

  it('a run folder without a checkpoint yet resumes from step 0', async () => {
    const args = [...common(), '--train-images', '8', '--val-images', '1'];
    const straight = path.join(fx.dir, 'two-steps');
    await train([...args, '--max-steps', '2', '--out', straight]);
    const early = path.join(fx.dir, 'no-checkpoint');
    await train([...args, '--max-steps', '1', '--out', early]);
    // As if stopped before its first checkpoint: the manifest alone.
    for (const file of ['latest.safetensors', 'best.safetensors', 'metrics.jsonl', 'eval.json'])
      await unlink(path.join(early, file));
    const resumed = await train([...args, '--max-steps', '2', '--resume', early]);
    expect(resumed.state.iter).toBe(2);
    expect((await readManifest(early)).resumes.map((r) => r.fromIter)).toEqual([0]);
    const same = await sameTensors(path.join(straight, 'latest.safetensors'), path.join(early, 'latest.safetensors'));
    expect(same.differing).toEqual([]);
    expect(await trainLosses(early)).toEqual(await trainLosses(straight));
  }, 120_000);
});
