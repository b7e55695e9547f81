/**
 * Bad input through the real CLI: one `apdet-train: error: …` line on stderr and a non-zero
 * exit, before any training. Plus the NaN/Inf guard (in process).
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixture, cli, train, type Fixture } from './helpers.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture();
});
afterAll(async () => {
  await rm(fx.dir, { recursive: true, force: true });
});

function expectOneErrorLine(r: { status: number | null; stderr: string }, pattern: RegExp): void {
  expect(r.status).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^apdet-train: error: /);
  expect(lines[0]).toMatch(pattern);
}

describe('bad input', () => {
  it('unknown --loss', () => {
    expectOneErrorLine(
      cli(['retinanet', '--loss', 'param-apx', '--data', fx.data]),
      /unknown --loss 'param-apx' \(did you mean 'param-ap'\?\); valid names: param-ap,/,
    );
  });

  it('unknown config field in a --config file', async () => {
    const file = path.join(fx.dir, 'bad-config.json');
    await writeFile(file, JSON.stringify({ base: 'retinanet-tiny', head: { chanels: 8 } }));
    expectOneErrorLine(cli(['retinanet', '--config', file, '--data', fx.data]), /bad-config\.json: .*head\.chanels/);
  });

  it('unknown config preset', () => {
    expectOneErrorLine(
      cli(['retinanet', '--config', 'retinanet-huge', '--data', fx.data]),
      /unknown RetinaNet config 'retinanet-huge'/,
    );
  });

  it('invalid --loss-params file', async () => {
    const file = path.join(fx.dir, 'bad-params.json');
    await writeFile(file, JSON.stringify({ gradScale: 2, gradScael: 3 }));
    expectOneErrorLine(cli(['retinanet', '--loss-params', file, '--data', fx.data]), /bad-params\.json.*gradScael/);
  });

  it('missing dataset', () => {
    expectOneErrorLine(cli(['retinanet', '--data', path.join(fx.dir, 'nope')]), /--data .*nope: no such directory/);
  });

  it('unknown detector and bad flag values', () => {
    expectOneErrorLine(cli(['yolo']), /unknown detector 'yolo'/);
    expectOneErrorLine(cli(['retinanet', '--epochs', 'two']), /--epochs must be an integer >= 1, got 'two'/);
    expectOneErrorLine(cli(['retinanet', '--frobnicate']), /unknown option '--frobnicate'/);
  });

  it('corrupt checkpoint on --resume', async () => {
    const run = path.join(fx.dir, 'run');
    await train([
      '--data',
      fx.data,
      '--config',
      fx.config,
      '--backend',
      'cpu',
      '--train-images',
      '4',
      '--val-images',
      '1',
      '--max-steps',
      '1',
      '--out',
      run,
    ]);
    const bytes = await readFile(path.join(run, 'latest.safetensors'));
    await writeFile(path.join(run, 'latest.safetensors'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    expectOneErrorLine(cli(['retinanet', '--resume', run]), /latest\.safetensors/);
    // A run folder with a manifest but no checkpoint yet resumes from step 0 (interrupt-resume.test.ts).
  });
});

describe('NaN/Inf guard', () => {
  it('stops with one clear message and keeps the last good checkpoint', async () => {
    const config = path.join(fx.dir, 'explode.json');
    await writeFile(
      config,
      JSON.stringify({
        ...JSON.parse(await readFile(fx.config, 'utf8')),
        train: { batchSize: 4, lr: 1e12, warmupIters: 0, epochs: 50, lrSteps: [], gradClipNorm: 0 },
      }),
    );
    const run = path.join(fx.dir, 'explode');
    // 4 images = 1 step per epoch: a checkpoint after every step until the loss blows up.
    const error = await train([
      '--loss',
      'focal+l1',
      '--data',
      fx.data,
      '--config',
      config,
      '--backend',
      'cpu',
      '--train-images',
      '4',
      '--max-steps',
      '20',
      '--out',
      run,
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^training diverged: (loss|focal|l1) is (NaN|Infinity|-Infinity) at step (\d+) .*the last good checkpoint is .*latest\.safetensors \(step \d+\)/,
    );
    expect((error as Error).name).toBe('UserError');
  });
});
