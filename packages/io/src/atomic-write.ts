import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a file so that readers (and a run killed half-way) see either the old content or the
 * new one, never a torn file: the data goes to a temporary file in the same directory, is
 * flushed to disk, and is then renamed over the target. Parent directories are created.
 *
 * @example
 * await atomicWriteFile('runs/a/checkpoint.safetensors', bytes);
 */
export async function atomicWriteFile(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** {@link atomicWriteFile} for a JSON value (pretty-printed unless `compact`). */
export async function atomicWriteJson(
  file: string,
  value: unknown,
  options: { compact?: boolean } = {},
): Promise<void> {
  const text = options.compact ? JSON.stringify(value) : `${JSON.stringify(value, null, 2)}\n`;
  await atomicWriteFile(file, text);
}
