/**
 * The proxy task on a tiny generated dataset: a real (3-step) training with the search's
 * starting loss returns a reward in [0, 1] and removes its temporary run folder; a loss that
 * is exactly 1 at every step (I1 ≡ I3 ≡ 0 on [0, 0.999]) trips the failure rule of docs/spec/paper-spec.md §7.5.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeShapesDataset } from '@apdet/data';
import type { ProxyProgress } from '@apdet/search';
import { ensureProxySplit, proxySplitSpec } from '../src/proxy-data.js';
import { runProxyJob } from '../src/proxy-task.js';
import { linearJob, makeFixture, tinyTask, type Fixture } from './helpers.js';

let fx: Fixture;
let tmp: string;
let tensorsAfterFirstJob = -1;
beforeAll(async () => {
  fx = await makeFixture();
  tmp = path.join(fx.dir, 'proxy-tmp');
  await mkdir(tmp);
  process.env.APDET_PROXY_TMP = tmp;
});
afterAll(async () => {
  delete process.env.APDET_PROXY_TMP;
  await rm(fx.dir, { recursive: true, force: true });
});

describe('proxy split', () => {
  it('splits the training set by image, seeded, once', async () => {
    const info = await ensureProxySplit(fx.split);
    expect(info).toMatchObject({ trainImages: 18, valImages: 6 });
    expect(
      existsSync(path.join(fx.split.dir, 'train', path.basename((await readdir(path.join(fx.data, 'train')))[0]))),
    ).toBe(true);
    // A second call (another process, same spec) reads the marker instead of splitting again.
    const again = await ensureProxySplit({ ...fx.split });
    expect(again).toEqual(info);
  });

  it('rebuilds a split whose source training set changed, instead of pointing at other images', async () => {
    const source = path.join(fx.dir, 'changing');
    await makeShapesDataset(source, { train: 12, val: 2, size: 64, seed: 5 });
    const spec = proxySplitSpec(source, false, 7, 0.75);
    expect(await ensureProxySplit(spec)).toMatchObject({ trainImages: 9, valImages: 3 });
    await rm(source, { recursive: true });
    await makeShapesDataset(source, { train: 20, val: 2, size: 64, seed: 6 });
    const lines: string[] = [];
    expect(await ensureProxySplit(spec, (l) => lines.push(l))).toMatchObject({ trainImages: 15, valImages: 5 });
    expect(lines[0]).toMatch(/changed since the split was made; rebuilding it/);
    // The two halves together hold exactly the new source's boxes (a stale split would hold the old ones).
    const boxes = (file: string) =>
      readFile(file, 'utf8').then((t) =>
        (JSON.parse(t) as { annotations: { bbox: number[] }[] }).annotations.map((a) => a.bbox.join(',')),
      );
    const halves = [
      ...(await boxes(path.join(spec.dir, 'instances_train.json'))),
      ...(await boxes(path.join(spec.dir, 'instances_val.json'))),
    ];
    expect(halves.sort()).toEqual((await boxes(path.join(source, 'instances_train.json'))).sort());
  });
});

describe('runProxyJob', () => {
  it('trains, evaluates on proxy-val, reports progress and cleans up', async () => {
    // Leftovers of killed workers (issue 22 item 17): a process that is gone (no process has id
    // 999999999 on Linux) and one that is alive (this test's parent); only the first is removed.
    await mkdir(path.join(tmp, 'apdet-proxy-999999999-AbCdEf', 'run'), { recursive: true });
    const alive = `apdet-proxy-${process.ppid}-GhIjKl`;
    await mkdir(path.join(tmp, alive));
    const progress: ProxyProgress[] = [];
    const outcome = await runProxyJob(linearJob(tinyTask(fx)), (p) => progress.push(p));
    expect(outcome.failed, outcome.reason).toBe(false);
    expect(outcome.key).toBe('r0-s0');
    expect(outcome.reward).toBeGreaterThanOrEqual(0);
    expect(outcome.reward).toBeLessThanOrEqual(1);
    expect(outcome.seconds).toBeGreaterThan(0);
    // 0 at the start, each of the 3 steps, 1 at the end, never going back.
    const fractions = progress.map((p) => p.fraction);
    expect(fractions[0]).toBe(0);
    expect(fractions).toContain(1 / 3);
    expect(fractions.at(-1)).toBe(1);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
    expect(await readdir(tmp)).toEqual([alive]);
    await rm(path.join(tmp, alive), { recursive: true });
    // The model and optimiser variables of the job are gone (a worker runs hundreds of jobs).
    expect(Object.keys(tf.engine().registeredVariables)).toEqual([]);
    tensorsAfterFirstJob = tf.memory().numTensors;
  });

  it('stops a collapsed training (loss exactly 1 for more than 50 steps) with reward 0', async () => {
    // 8 images at batch 4 for 40 epochs: 80 steps.
    const { maxSteps: _, ...task } = tinyTask(fx, { epochs: 40, trainImages: 8 });
    const job = linearJob(task, 'r0-s1');
    // I1 and I3 are 0 below 0.999: every positive's term is (1 − 0) + 0 · ratio = 1, with no gradient.
    const flat = [0, 0, 0.999, 0, 0.9992, 0, 0.9994, 0, 0.9996, 0, 1, 1];
    const rows = (job.lossParams as { ctrlPoints: number[][] }).ctrlPoints;
    rows[2] = flat; // I3
    rows[3] = flat; // I1
    const progress: number[] = [];
    const outcome = await runProxyJob(job, (p) => progress.push(p.fraction));
    expect(outcome).toMatchObject({ key: 'r0-s1', reward: 0, failed: true });
    expect(outcome.reason).toMatch(/at 51 steps \(more than 50: collapsed/);
    // Every step collapsed: the hook, which reads a step's loss one step later, stopped the
    // run when step 52 began, after reporting step 51 of 80; there was no evaluation.
    expect(Math.max(...progress)).toBeCloseTo(51 / 80, 10);
    expect(await readdir(tmp)).toEqual([]);
    // A second job leaves no more tensors behind than the first.
    expect(tensorsAfterFirstJob).toBeGreaterThanOrEqual(0);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(tensorsAfterFirstJob);
  });

  it('rejects a malformed task with a message naming the job', async () => {
    const job = linearJob(tinyTask(fx, { trainImages: 0 }), 'r2-s3');
    await expect(runProxyJob(job, () => {})).rejects.toThrow(
      /proxy job r2-s3: task.trainImages: expected a positive integer, got 0/,
    );
  });
});
