import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/apdet-data.mjs', import.meta.url));
const run = promisify(execFile);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'apdet-data-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('apdet-data CLI', () => {
  it('make-shapes, validate --images, split and browse work end to end', async () => {
    const out = path.join(dir, 'shapes');
    const made = await cli('make-shapes', '--out', out, '--train', '10', '--val', '3', '--seed', '1');
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/wrote 10 train \+ 3 val images \(128x128, seed 1\)/);
    const again = await cli('make-shapes', '--out', out, '--train', '10', '--val', '3', '--seed', '1');
    expect(again.stdout).toMatch(/already holds this shapes dataset/);
    const other = await cli('make-shapes', '--out', out, '--train', '11', '--val', '3', '--seed', '1');
    expect([other.code, other.stderr]).toEqual([
      1,
      expect.stringMatching(/^apdet-data: error: .*made with other options/),
    ]);

    const valid = await cli('validate', path.join(out, 'instances_train.json'), '--images', path.join(out, 'train'));
    expect(valid.code, valid.stdout).toBe(0);
    expect(valid.stdout).toMatch(
      /10 images, \d+ annotations \(0 crowd\), 6 categories, 0 images without annotations\n0 errors, 0 warnings/,
    );

    const a = path.join(dir, 'a.json');
    const b = path.join(dir, 'b.json');
    const split = await cli(
      'split',
      path.join(out, 'instances_train.json'),
      '--ratio',
      '0.7',
      '--seed',
      '0',
      '--out-train',
      a,
      '--out-val',
      b,
    );
    expect(split.code, split.stderr).toBe(0);
    const [ja, jb] = [JSON.parse(await readFile(a, 'utf8')), JSON.parse(await readFile(b, 'utf8'))];
    expect(ja.images.length).toBe(7);
    expect(jb.images.length).toBe(3);
    const ids = [...ja.images, ...jb.images].map((im: { id: number }) => im.id).sort((x: number, y: number) => x - y);
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const all = JSON.parse(await readFile(path.join(out, 'instances_train.json'), 'utf8'));
    expect(ja.annotations.length + jb.annotations.length).toBe(all.annotations.length);
    for (const ann of ja.annotations) expect(ja.images.some((im: { id: number }) => im.id === ann.image_id)).toBe(true);
    const a2 = path.join(dir, 'a2.json');
    await cli(
      'split',
      path.join(out, 'instances_train.json'),
      '--ratio',
      '0.7',
      '--seed',
      '0',
      '--out-train',
      a2,
      '--out-val',
      path.join(dir, 'b2.json'),
    );
    expect(await readFile(a2, 'utf8')).toBe(await readFile(a, 'utf8'));

    const browse = await cli(
      'browse',
      path.join(out, 'instances_val.json'),
      '--images',
      path.join(out, 'val'),
      '--out',
      path.join(dir, 'browse'),
      '--n',
      '2',
    );
    expect(browse.code, browse.stderr).toBe(0);
    const pngs = await readdir(path.join(dir, 'browse'));
    expect(pngs.sort()).toEqual(['000001-boxes.png', '000002-boxes.png']);
    const meta = await sharp(path.join(dir, 'browse', pngs[0])).metadata();
    expect([meta.width, meta.height]).toEqual([512, 512]);
  });

  it('validate lists every problem with its record, counts them, and exits 1', async () => {
    const file = path.join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({
        images: [
          { id: 1, file_name: 'missing.png', width: 10, height: 10 },
          { id: 2, file_name: 'corrupt.png', width: 10, height: 10 },
          { id: 2, file_name: 'dup.png', width: 10, height: 10 },
        ],
        annotations: [
          { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 0, 5] },
          { id: 2, image_id: 9, category_id: 1, bbox: [0, 0, 5, 5] },
          { id: 3, image_id: 1, category_id: 4, bbox: [0, 0, 5, 5] },
        ],
        categories: [{ id: 1, name: 'a' }],
      }),
    );
    await writeFile(path.join(dir, 'corrupt.png'), 'not a png');
    const result = await cli('validate', file, '--images', dir);
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    for (const expected of [
      /error: images\[2\] \(id 2\): duplicate image id 2/,
      /error: annotations\[0\] \(id 1\): "bbox" must have width > 0/,
      /error: annotations\[1\] \(id 2\): image_id 9 is not in "images"/,
      /error: annotations\[2\] \(id 3\): category_id 4 is not in "categories"/,
      /error: images\[0\] \(id 1\): image file .*missing\.png not found/,
      /error: images\[1\] \(id 2\): .*corrupt\.png cannot be read as an image/,
    ]) {
      expect(
        lines.some((l) => expected.test(l)),
        `${expected}\n${result.stdout}`,
      ).toBe(true);
    }
    expect(result.stdout).toMatch(/3 images, 3 annotations \(0 crowd\), 1 categories/);
    expect(result.stdout).toMatch(/7 errors, 0 warnings/);
  });

  it('prints user errors as one line without a stack trace', async () => {
    const missing = await cli('validate', path.join(dir, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`apdet-data: error: ${path.join(dir, 'nope.json')}: file not found\n`);
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`apdet-data: error: unknown command 'frobnicate'; see apdet-data --help\n`);
    const badFlag = await cli('split', 'x.json', '--ratio', '2', '--out-train', 'a', '--out-val', 'b');
    expect(badFlag.stderr).toMatch(/--ratio must be in \(0, 1\), got 2/);
  });

  it('prints the help commander generates to stdout and exits 0 (no command, or --help)', async () => {
    const help = await cli();
    expect([help.code, help.stderr]).toEqual([0, '']);
    expect(help.stdout).toMatch(/^Usage: apdet-data <command> \[flags\]\n[^]*\n {2}make-shapes \[options\] /);
    const split = await cli('split', '--help');
    expect([split.code, split.stderr]).toEqual([0, '']);
    expect(split.stdout).toMatch(/^Usage: apdet-data split \[options\] <instances\.json>\n/);
  });
});
