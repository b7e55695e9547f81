/**
 * Issue 22, the apdet-data items: outputs that destroy inputs (6), browse names (14), file
 * names outside the image folder (15), temporary folders left behind (17), counts that make no
 * sense (18). Each case runs the CLI as a child process, as a user would.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeShapesDataset } from '../src/shapes/make-shapes.js';

const BIN = fileURLToPath(new URL('../bin/apdet-data.mjs', import.meta.url));
const run = promisify(execFile);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** One `apdet-data: error: …` line and exit 1. */
function expectOneLineError(r: { code: number; stderr: string }, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(/^apdet-data: error: /);
  expect(r.stderr).toMatch(pattern);
}

let dir: string;
let data: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'apdet-data-safety-'));
  data = path.join(dir, 'd');
  await makeShapesDataset(data, { train: 6, val: 2, size: 64, seed: 3 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('split refuses outputs that would destroy data (item 6)', () => {
  it('--out-train equal to --out-val, or to the input (also spelled differently or through a link)', async () => {
    const input = path.join(dir, 'all.json');
    await copyFile(path.join(data, 'instances_train.json'), input);
    const before = await readFile(input, 'utf8');
    await symlink(input, path.join(dir, 'link.json'));
    const cases: [string, string, RegExp][] = [
      ['same.json', 'same.json', /--out-train and --out-val are the same file/],
      ['all.json', 'val.json', /--out-train is the input file/],
      ['train.json', './all.json', /--out-val is the input file/],
      ['link.json', 'val.json', /--out-train is the input file/],
    ];
    for (const [outTrain, outVal, message] of cases) {
      const r = await cli('split', 'all.json', '--ratio', '0.5', '--out-train', outTrain, '--out-val', outVal);
      expectOneLineError(r, message);
    }
    expect(await readFile(input, 'utf8')).toBe(before);
    expect((await readdir(dir)).sort()).toEqual(['all.json', 'd', 'link.json']);
  });
});

describe('make-shapes and the trainer never destroy a dataset apdet did not make with its defaults (item 6)', () => {
  it("a plain training's 'regenerate' keeps a make-shapes dataset of other options in the default folder", async () => {
    // `apdet-data make-shapes` with its default --out (data/shapes, the trainer's folder) and other options…
    const made = await cli('make-shapes', '--train', '4', '--val', '1', '--size', '64');
    expect(made.code, made.stderr).toBe(0);
    const shapes = path.join(dir, 'data', 'shapes');
    const annotations = await readFile(path.join(shapes, 'instances_train.json'), 'utf8');
    // …then what a plain `apdet-train` does with the default folder: it must refuse, not delete.
    const { ensureShapesDataset } = await import('../src/shapes/make-shapes.js');
    const error = await ensureShapesDataset(shapes, {}, undefined, { onOutdated: 'regenerate' }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).name).toBe('UserError');
    expect((error as Error).message).toMatch(/made with other options .* not apdet's default dataset; it is kept/);
    expect((error as Error).message.split('\n')).toHaveLength(1);
    expect(await readFile(path.join(shapes, 'instances_train.json'), 'utf8')).toBe(annotations);
  });
});

describe('make-shapes, validate and browse refuse counts that make no sense (items 14, 18)', () => {
  it('make-shapes --train 0 --val 0 is refused, not reported as "already holds"', async () => {
    const r = await cli('make-shapes', '--out', 'empty', '--train', '0', '--val', '0');
    expectOneLineError(r, /--train and --val are both 0: nothing to generate/);
    expect(existsSync(path.join(dir, 'empty'))).toBe(false);
  });

  it('validate --max-problems=-3 and browse --n=-2 are refused', async () => {
    const file = path.join(data, 'instances_train.json');
    expectOneLineError(await cli('validate', file, '--max-problems=-3'), /--max-problems must be an integer >= 0/);
    const images = path.join(data, 'train');
    expectOneLineError(
      await cli('browse', file, '--images', images, '--out', 'b', '--n=-2'),
      /--n must be an integer >= 1, got '-2'/,
    );
  });
});

describe('browse (item 14)', () => {
  it('names each drawing after its relative path, so repeated basenames do not overwrite each other', async () => {
    const coco = JSON.parse(await readFile(path.join(data, 'instances_train.json'), 'utf8')) as {
      images: { id: number; file_name: string }[];
      annotations: { image_id: number }[];
    };
    const images = path.join(dir, 'nested');
    for (const [i, sub] of ['a', 'b', 'a'].entries()) {
      await mkdir(path.join(images, sub), { recursive: true });
      const name = i === 2 ? 'y.png' : 'x.png';
      await copyFile(path.join(data, 'train', coco.images[i].file_name), path.join(images, sub, name));
      coco.images[i].file_name = `${sub}/${name}`;
    }
    coco.images = coco.images.slice(0, 3);
    const kept = new Set(coco.images.map((im) => im.id));
    coco.annotations = coco.annotations.filter((a) => kept.has(a.image_id));
    const file = path.join(dir, 'nested.json');
    await writeFile(file, JSON.stringify(coco));
    const r = await cli('browse', file, '--images', images, '--out', 'drawn');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote 3 images to drawn/);
    const drawn = (await readdir(path.join(dir, 'drawn'), { recursive: true })).filter((f) => f.endsWith('.png'));
    expect(drawn.sort()).toEqual(['a/x-boxes.png', 'a/y-boxes.png', 'b/x-boxes.png']);
  });
});

describe('file_name outside the image folder (item 15)', () => {
  it('validate reports "../" and absolute file names, one line each; browse refuses them without a stack trace', async () => {
    const coco = JSON.parse(await readFile(path.join(data, 'instances_train.json'), 'utf8')) as {
      images: { file_name: string }[];
    };
    coco.images[0].file_name = '../val/000001.png';
    coco.images[1].file_name = path.join(data, 'train', '000002.png');
    const file = path.join(dir, 'escaping.json');
    await writeFile(file, JSON.stringify(coco));
    const v = await cli('validate', file, '--images', path.join(data, 'train'));
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(
      /error: images\[0\] \(id 1\): "file_name" must be a path inside the image folder, got "\.\.\/val\/000001\.png"/,
    );
    expect(v.stdout).toMatch(/error: images\[1\] \(id 2\): "file_name" must be a path inside the image folder/);
    expect(v.stdout).not.toMatch(/not found|cannot be read/);
    const b = await cli('browse', file, '--images', path.join(data, 'train'), '--out', 'x');
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/file_name" must be a path inside the image folder/);
    expect(b.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(dir, 'x'))).toBe(false);
  });
});

describe('temporary folders (item 17)', () => {
  it("an interrupted make-shapes leaves no <out>.tmp-*, and a killed one's leftovers go on the next run", async () => {
    const out = path.join(dir, 'big');
    const child = spawn(process.execPath, [BIN, 'make-shapes', '--out', out, '--train', '3000', '--val', '0'], {
      stdio: 'ignore',
    });
    const temps = async () => (await readdir(dir)).filter((n) => n.startsWith('big.tmp-'));
    for (let i = 0; i < 600 && (await temps()).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await temps()).toHaveLength(1);
    const [tmpName] = await temps();
    // Wait until images are being written into it, then Ctrl-C.
    for (let i = 0; i < 600; i++) {
      const written = await readdir(path.join(dir, tmpName, 'train')).catch(() => []);
      if (written.length > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGINT');
    expect(await ended).toBe('SIGINT');
    expect(await temps()).toEqual([]);
    expect(existsSync(out)).toBe(false);

    // A leftover of a process that is gone (kill -9 cannot be cleaned up by the process itself).
    const stale = path.join(dir, 'big.tmp-999999999-deadbeef');
    await mkdir(path.join(stale, 'train'), { recursive: true });
    await writeFile(path.join(stale, 'train', '000001.png'), 'x');
    const made = await cli('make-shapes', '--out', out, '--train', '2', '--val', '1', '--size', '64');
    expect(made.code, made.stderr).toBe(0);
    expect(await temps()).toEqual([]);
  });
});
