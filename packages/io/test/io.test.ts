import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError, atomicWriteJson, isUserError, readJsonFile } from '../src/index.js';

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

  it('replaces an existing file whole', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'out.json');
    await atomicWriteJson(file, { version: 1 });
    await atomicWriteJson(file, { version: 2 });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 2 });
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
});
