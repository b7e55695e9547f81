/**
 * Exact resume (cpu backend): 3 steps, stop, `--resume` to 6 steps gives bit-identical
 * parameters and optimiser state to 6 uninterrupted steps, and the same losses. The
 * uninterrupted run also checks evaluation outputs, periodic evaluation and the manifest.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '@apdet/nn';
import type { RetinaNetConfig } from '@apdet/retinanet';
import {
  datasetFiles,
  evaluateOnVal,
  loadRun,
  openValData,
  readManifest,
  readMetrics,
  type RunOutput,
  type TrainMetric,
} from '../src/index.js';
import { makeFixture, train, type Fixture } from './helpers.js';

let fx: Fixture;
let straight: RunOutput;
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
  '4',
  '--log-every',
  '1',
];

beforeAll(async () => {
  fx = await makeFixture();
  // 8 images, batch 4: 2 steps per epoch, so step 3 stops in the middle of epoch 2.
  straight = await train([
    ...common(),
    '--max-steps',
    '6',
    '--eval-every',
    '2',
    '--out',
    path.join(fx.dir, 'straight'),
  ]);
});
afterAll(async () => {
  await rm(fx.dir, { recursive: true, force: true });
});

const trainLosses = async (dir: string) =>
  (await readMetrics(path.join(dir, 'metrics.jsonl')))
    .filter((m): m is TrainMetric => m.type === 'train')
    .map((m) => [m.iter, m.loss, m.lr]);

describe('--resume', () => {
  it('continues bit-identically to an uninterrupted run', async () => {
    const dir = path.join(fx.dir, 'resumed');
    const first = await train([...common(), '--max-steps', '3', '--out', dir]);
    expect(first.state.iter).toBe(3);
    expect(first.state.next).toEqual({ epoch: 1, step: 1 });
    // Resumed as users type it: the original command with --resume added.
    const resumed = await train([...common(), '--out', dir, '--resume', dir, '--max-steps', '6']);
    expect(resumed.state.iter).toBe(6);

    const a = await readSafetensors(path.join(fx.dir, 'straight', 'latest.safetensors'));
    const b = await readSafetensors(path.join(dir, 'latest.safetensors'));
    expect([...b.tensors.keys()].sort()).toEqual([...a.tensors.keys()].sort());
    expect([...a.tensors.keys()].some((k) => k.startsWith('optimizer.'))).toBe(true);
    for (const [name, t] of a.tensors) {
      const u = b.tensors.get(name)!;
      // Bitwise: compare the raw float32 bit patterns.
      expect(
        Buffer.from(u.data.buffer, u.data.byteOffset, u.data.byteLength).equals(
          Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength),
        ),
        name,
      ).toBe(true);
    }
    expect(await trainLosses(dir)).toEqual(await trainLosses(path.join(fx.dir, 'straight')));
    const manifest = await readManifest(dir);
    expect(manifest.resumes).toHaveLength(1);
    expect(manifest.resumes[0].fromIter).toBe(3);
  });

  it('applies a --loss-params file and records it in the manifest', async () => {
    const params = path.join(fx.dir, 'params.json');
    await writeFile(params, JSON.stringify({ gradScale: 2.5 }));
    const dir = path.join(fx.dir, 'with-params');
    await train([...common(), '--max-steps', '1', '--val-images', '1', '--loss-params', params, '--out', dir]);
    const m = await readManifest(dir);
    expect(m.settings.lossParams).toEqual({ gradScale: 2.5 });
    expect(JSON.stringify(m.loss.settings)).toContain('2.5');
  });

  it('names the first flag that disagrees with the run', async () => {
    const dir = path.join(fx.dir, 'straight');
    await expect(train([...common(), '--resume', dir, '--lr', '0.5'])).rejects.toThrow(
      /^--resume .*: --lr disagrees with the run \(it has 0\.01\)/,
    );
    await expect(train([...common(), '--resume', dir, '--seed', '3'])).rejects.toThrow(
      /--seed disagrees with the run \(it has 0\)/,
    );
    await expect(train(['--resume', dir, '--train-images', '5'])).rejects.toThrow(
      /--train-images disagrees with the run \(it has 8\)/,
    );
  });

  it('refuses to start a new run over an existing one', async () => {
    await expect(train([...common(), '--max-steps', '1', '--out', path.join(fx.dir, 'straight')])).rejects.toThrow(
      /already holds a run/,
    );
  });
});

describe('evaluation and run folder', () => {
  it('writes eval.json (apdet-eval --out schema), detections.json, checkpoints and metrics', async () => {
    const dir = path.join(fx.dir, 'straight');
    const evalJson = JSON.parse(await readFile(path.join(dir, 'eval.json'), 'utf8'));
    expect(evalJson.stats).toHaveLength(12);
    expect(evalJson.stats.every((s: number) => typeof s === 'number' && s >= -1 && s <= 1)).toBe(true);
    expect(straight.stats).toEqual(evalJson.stats);
    expect(evalJson.perCategory).toHaveLength(6);
    for (const c of evalJson.perCategory) expect(Object.keys(c).sort()).toEqual(['ap', 'ap50', 'categoryId', 'name']);
    expect(evalJson.counts.images).toBe(4);
    const detections = JSON.parse(await readFile(path.join(dir, 'detections.json'), 'utf8'));
    expect(Array.isArray(detections)).toBe(true);
    expect(evalJson.counts.detections).toBe(detections.length);
    for (const d of detections.slice(0, 20)) {
      expect(Object.keys(d).sort()).toEqual(['bbox', 'category_id', 'image_id', 'score']);
      expect(d.bbox).toHaveLength(4);
    }
    expect(existsSync(path.join(dir, 'latest.safetensors'))).toBe(true);
    expect(existsSync(path.join(dir, 'best.safetensors'))).toBe(true);
    // --eval-every 2 with 2 steps per epoch: evaluations after epochs 2 (step 4) and the final one (step 6).
    const evals = (await readMetrics(path.join(dir, 'metrics.jsonl')))
      .filter((m) => m.type === 'eval')
      .map((m) => m.iter);
    expect(evals).toEqual([4, 6]);
  });

  it('loadRun rebuilds the model from the run folder and reproduces eval.json', async () => {
    const dir = path.join(fx.dir, 'straight');
    const { model, manifest, extra } = await loadRun(dir, 'latest');
    expect((extra as { iter: number }).iter).toBe(6);
    const data = await openValData(
      manifest.settings,
      await datasetFiles(manifest.settings, () => {}, { valOnly: true }),
    );
    const again = await evaluateOnVal(
      model,
      data.valSubset,
      data.valPipeline,
      path.join(manifest.settings.data.dir, 'instances_val.json'),
      manifest.settings.classes!,
      4,
    );
    const evalJson = JSON.parse(await readFile(path.join(dir, 'eval.json'), 'utf8'));
    expect(again.result.stats).toEqual(evalJson.stats);
    model.dispose();
  });

  it('records the run in manifest.json', async () => {
    const m = await readManifest(path.join(fx.dir, 'straight'));
    expect(m.backend.name).toBe('cpu');
    expect(m.settings.seed).toBe(0);
    expect((m.settings.config as unknown as RetinaNetConfig).fpn.outChannels).toBe(16);
    expect(m.settings.detector).toBe('retinanet');
    expect(m.settings.classes?.map((c) => c.name)).toHaveLength(6);
    expect(m.effective).toMatchObject({
      batchSize: 4,
      lr: 0.01,
      stepsPerEpoch: 2,
      stopIter: 6,
      trainImages: 8,
      valImages: 4,
    });
    expect(m.loss.name).toBe('param-ap');
    expect(m.loss.settings).toBeTypeOf('object');
    expect(m.versions['@tensorflow/tfjs']).toBe('4.22.0');
    expect(m.versions['@apdet/detector']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(m.parameters.trainable).toBeGreaterThan(10_000);
  });
});
