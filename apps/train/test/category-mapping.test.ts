/**
 * Category ids through the real CLIs (child processes): the model's classes come from the
 * training set and label every detection, whatever the val file lists. A val file without
 * category 3 (triangle) must not turn triangles into stars: its detections.json is the one the
 * same checkpoint gives on the full val set, with id 3 kept, and eval.json scores the val file's
 * five categories. A val file that cannot be mapped by id (an id the model does not have, or an
 * id with another name) is refused in one line before training (and before `apdet-eval` detects).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateCoco } from '@apdet/coco-eval';
import type { CocoDetection } from '@apdet/detector';
import { cli, cliChild, EVAL_BIN, expectOneErrorLine, makeFixture, TEST_CONFIG, type Fixture } from './helpers.js';

interface GtJson {
  images: { id: number }[];
  annotations: { id: number; image_id: number; category_id: number }[];
  categories: { id: number; name: string }[];
}

let fx: Fixture;
let config: string;
let gt: GtJson;

/** A dataset folder sharing the fixture's train split and images, with its own instances_val.json. */
async function withValFile(name: string, val: GtJson): Promise<string> {
  const dir = path.join(fx.dir, name);
  await mkdir(dir);
  for (const entry of ['train', 'val', 'instances_train.json']) {
    await symlink(path.join(fx.data, entry), path.join(dir, entry));
  }
  await writeFile(path.join(dir, 'instances_val.json'), JSON.stringify(val));
  return dir;
}

const readJson = async <T>(file: string): Promise<T> => JSON.parse(await readFile(file, 'utf8')) as T;

beforeAll(async () => {
  fx = await makeFixture({ train: 32 });
  // Every top-scoring box is kept (no score threshold), so a 2-step model predicts every class.
  config = path.join(fx.dir, 'all-scores.json');
  await writeFile(config, JSON.stringify({ ...TEST_CONFIG, inference: { scoreThreshold: 0 } }));
  gt = await readJson<GtJson>(path.join(fx.data, 'instances_val.json'));
}, 120_000);
afterAll(async () => rm(fx.dir, { recursive: true, force: true }));

const trainArgs = (data: string, out: string) => [
  'retinanet',
  '--data',
  data,
  '--config',
  config,
  '--backend',
  'cpu',
  '--max-steps',
  '2',
  '--out',
  out,
];

describe('category ids', () => {
  it('a val set missing a class: detections keep the model ids, eval.json scores the val categories', async () => {
    const missing = await withValFile('missing-triangle', {
      ...gt,
      categories: gt.categories.filter((c) => c.id !== 3),
      annotations: gt.annotations.filter((a) => a.category_id !== 3),
    });
    expect(gt.categories.find((c) => c.id === 3)?.name).toBe('triangle');
    const run = path.join(fx.dir, 'run-missing');
    const trained = cli(trainArgs(missing, run));
    expect(trained.status, trained.stderr).toBe(0);

    const dets = await readJson<CocoDetection[]>(path.join(run, 'detections.json'));
    const ids = new Set(dets.map((d) => d.category_id));
    expect(ids.has(3)).toBe(true); // triangles, whose category the val file lacks
    for (const id of ids) expect(gt.categories.map((c) => c.id)).toContain(id);
    // The same checkpoint on the full val set (whose category list is the training set's):
    // identical detections, so no class was relabelled through the shorter val list.
    const evaluated = await cliChild(
      ['--checkpoint', path.join(run, 'latest.safetensors'), '--data', fx.data, '--backend', 'cpu'],
      { bin: EVAL_BIN, cwd: fx.dir },
    );
    expect(evaluated.status, evaluated.stderr).toBe(0);
    expect(await readJson<CocoDetection[]>(path.join(run, 'eval-latest', 'detections.json'))).toEqual(dets);

    // eval.json: the val file's 5 categories, and the stats pycocotools' rules give for these
    // detections (the triangles are ignored: no ground truth category 3).
    const evalJson = await readJson<{ stats: number[]; perCategory: { categoryId: number }[]; warnings: string[] }>(
      path.join(run, 'eval.json'),
    );
    expect(evalJson.perCategory.map((c) => c.categoryId)).toEqual([1, 2, 4, 5, 6]);
    const reference = evaluateCoco(await readJson(path.join(missing, 'instances_val.json')), dets);
    expect(evalJson.stats).toEqual(reference.stats);
    expect(evalJson.warnings.join(' ')).toMatch(/category ids not in the ground truth were ignored/);
  }, 180_000);

  it('a val category the model does not have is refused before training', async () => {
    const extra = await withValFile('extra-category', {
      ...gt,
      categories: [...gt.categories, { id: 9, name: 'pentagon' }],
      annotations: gt.annotations.map((a, i) => (i === 0 ? { ...a, category_id: 9 } : a)),
    });
    const run = path.join(fx.dir, 'run-extra');
    expectOneErrorLine(
      cli(trainArgs(extra, run)),
      /instances_val\.json: category 9 \('pentagon'\) is not one of the model's classes/,
    );
    expect(existsSync(path.join(run, 'latest.safetensors'))).toBe(false);
  }, 60_000);

  it('a val category id with another name is refused before training', async () => {
    const renamed = await withValFile('renamed-category', {
      ...gt,
      categories: gt.categories.map((c) => (c.id === 3 ? { ...c, name: 'tri' } : c)),
    });
    const run = path.join(fx.dir, 'run-renamed');
    expectOneErrorLine(
      cli(trainArgs(renamed, run)),
      /instances_val\.json: category 3 is 'tri' there but 'triangle' in the model's classes/,
    );
    expect(existsSync(path.join(run, 'latest.safetensors'))).toBe(false);
  }, 60_000);

  it('apdet-eval --run --data refuses a val set it cannot map, before detecting', async () => {
    const run = path.join(fx.dir, 'run-missing');
    const other = path.join(fx.dir, 'extra-category');
    const r = await cliChild(['--run', run, '--data', other, '--backend', 'cpu'], { bin: EVAL_BIN, cwd: fx.dir });
    expectOneErrorLine(r, /category 9 \('pentagon'\) is not one of the model's classes/, 'apdet-eval');
    expect(existsSync(path.join(run, 'eval-best'))).toBe(false);
  }, 60_000);
});
