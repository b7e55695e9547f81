import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  UserError,
  atomicWriteFile,
  atomicWriteJson,
  checkOutputFile,
  describeFsError,
  isUserError,
  readJsonFile,
} from '../src/index.js';

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'apdet-io-'));
}

describe('readJsonFile', () => {
  it('names the file when it is missing', async () => {
    await expect(readJsonFile('/nonexistent/x.json')).rejects.toThrow('/nonexistent/x.json: file not found');
  });

  it('locates a syntax error by line and column', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'bad.json');
    await writeFile(file, '{\n  "a": 1,\n  "b": oops\n}');
    const error = await readJsonFile(file).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as UserError).message).toMatch(/bad\.json: invalid JSON at line 3, column \d+/);
  });

  it('says an empty file is empty', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'empty.json');
    await writeFile(file, '');
    await expect(readJsonFile(file)).rejects.toThrow(/invalid JSON/);
  });
});

describe('atomicWriteJson', () => {
  it('writes the value and leaves no temporary file behind', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'nested', 'out.json');
    await atomicWriteJson(file, { a: [1, 2] });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ a: [1, 2] });
    expect(await readdir(path.dirname(file))).toEqual(['out.json']);
  });

  it('refuses a directory as the target before writing anything, next to it or elsewhere', async () => {
    // `--out /tmp` used to put its temporary file into `/` and end in a stack trace (EISDIR).
    const dir = await tempDir();
    await mkdir(path.join(dir, 'out'));
    const error = await atomicWriteJson(path.join(dir, 'out'), { a: 1 }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toBe(`${path.join(dir, 'out')}: is a directory, expected a file path`);
    expect(await readdir(dir)).toEqual(['out']);
    expect(await readdir(path.join(dir, 'out'))).toEqual([]);
  });

  it('turns a write under a file into one line naming the path', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'a-file'), 'x');
    const target = path.join(dir, 'a-file', 'sub', 'out.json');
    const error = await atomicWriteFile(target, 'x').catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toBe(
      `${target}: cannot write: ${path.join(dir, 'a-file')} is a file, not a directory`,
    );
    expect(await readdir(dir)).toEqual(['a-file']);
  });

  // Root may write anywhere, so this runs where tests run as a normal user (CI).
  it.skipIf(process.getuid?.() === 0)('turns a read-only folder into one line naming it', async () => {
    const dir = await tempDir();
    const locked = path.join(dir, 'locked');
    await mkdir(locked, { mode: 0o555 });
    const target = path.join(locked, 'out.json');
    await expect(atomicWriteJson(target, {})).rejects.toThrow(
      `${target}: cannot write in ${locked}: permission denied`,
    );
    expect(await readdir(locked)).toEqual([]);
  });

  it('replaces an existing file whole', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'out.json');
    await atomicWriteJson(file, { version: 1 });
    await atomicWriteJson(file, { version: 2 });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 2 });
  });
});

describe('checkOutputFile', () => {
  it('accepts a new file in a missing folder and refuses a directory or a path under a file', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'f'), 'x');
    await expect(checkOutputFile(path.join(dir, 'new', 'deeper', 'out.json'))).resolves.toBeUndefined();
    await expect(checkOutputFile(path.join(dir, 'f'))).resolves.toBeUndefined();
    await expect(checkOutputFile(dir, '--out')).rejects.toThrow(`--out ${dir}: is a directory, expected a file path`);
    await expect(checkOutputFile(path.join(dir, 'f', 'x.json'))).rejects.toThrow(
      `${path.join(dir, 'f', 'x.json')}: cannot write: ${path.join(dir, 'f')} is a file, not a directory`,
    );
  });
});

describe('describeFsError', () => {
  it('names the usual write failures in words', () => {
    const err = (code: string) => Object.assign(new Error(`${code}: raw`), { code });
    expect(describeFsError(err('ENOSPC'))).toBe('no space left on the device');
    expect(describeFsError(err('EROFS'))).toBe('read-only file system');
    expect(describeFsError(err('EACCES'))).toBe('permission denied');
    expect(describeFsError(err('ENOTDIR'))).toBe('a parent folder is a file, not a directory');
  });
});

describe('findJsonErrorOffset', () => {
  it('returns -1 for valid JSON and the offset of the first error otherwise', async () => {
    const { findJsonErrorOffset } = await import('../src/json-error-offset.js');
    expect(findJsonErrorOffset('{"a": [1, 2.5e3, "x\\"y", true, null]}')).toBe(-1);
    expect(findJsonErrorOffset('{"a": [1, 2,]}')).toBe(12);
    expect(findJsonErrorOffset('[1, 2')).toBe(5);
    expect(findJsonErrorOffset('{"a": 1} x')).toBe(9);
  });

  it('handles nesting far deeper than the call stack (it is iterative)', async () => {
    const { findJsonErrorOffset } = await import('../src/json-error-offset.js');
    const depth = 200_000;
    expect(findJsonErrorOffset('['.repeat(depth) + ']'.repeat(depth))).toBe(-1);
    expect(findJsonErrorOffset('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))).toBe(-1);
    expect(findJsonErrorOffset('['.repeat(5000))).toBe(5000);
    expect(findJsonErrorOffset('[{"a": [1, {"b": x}]}]')).toBe(17);
    expect(findJsonErrorOffset('[1, 2}')).toBe(5);
    expect(findJsonErrorOffset('{"a" 1}')).toBe(5);
    expect(findJsonErrorOffset('{"a": 1,}')).toBe(8);
    expect(findJsonErrorOffset('[]]')).toBe(2);
    expect(findJsonErrorOffset('')).toBe(0);
  });

  it("readJsonFile locates the error of '['.repeat(5000) in one line", async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'deep.json');
    await writeFile(file, '['.repeat(5000));
    const error = await readJsonFile(file).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toBe(`${file}: invalid JSON at line 1, column 5001: unexpected end of file`);
  });
});
