import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { removeOnExit, tempPrefix } from './exit-cleanup.js';
import { describeFsError } from './json-file.js';
import { UserError } from './user-error.js';

/**
 * Writes a file so that readers (and a run killed half-way) see either the old content or the
 * new one, never a torn file: the data goes to a temporary file next to the target
 * (`<file>.tmp-<pid>-<random>`, removed if the process is stopped), is flushed to disk, and is
 * then renamed over the target. Parent directories are created.
 *
 * A target that cannot be written (a directory, a path under a file, a read-only folder, a
 * full disk) is a one-line {@link UserError} naming the path, checked before the temporary
 * file exists (see {@link checkOutputFile}).
 *
 * @example
 * await atomicWriteFile('runs/a/checkpoint.safetensors', bytes);
 */
export async function atomicWriteFile(file: string, data: string | Uint8Array): Promise<void> {
  await checkOutputFile(file);
  const fail = (error: unknown): never => {
    throw new UserError(`${file}: cannot write: ${describeFsError(error)}`, { cause: error });
  };
  const target = path.resolve(file);
  await mkdir(path.dirname(target), { recursive: true }).catch(fail);
  const temp = path.join(
    path.dirname(target),
    `${tempPrefix(`${path.basename(target)}.tmp-`)}${randomBytes(4).toString('hex')}`,
  );
  const release = removeOnExit(temp);
  try {
    const handle: FileHandle = await open(temp, 'w').catch(fail);
    try {
      await handle.writeFile(data).catch(fail);
      await handle.sync().catch(fail);
    } finally {
      await handle.close();
    }
    await rename(temp, target).catch(fail);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    release();
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

/**
 * Checks, before any work, that {@link atomicWriteFile} can write `file`: it is not a directory
 * or another non-regular file (a device, a pipe: a rename would replace it), its nearest existing
 * parent is a directory, and that directory is writable. Missing folders are fine (they are
 * created). Problems are one-line {@link UserError}s naming the path, after `flag` when given
 * (`--out /tmp: is a directory, expected a file path`).
 *
 * @example
 * await checkOutputFile(flags.out, '--out'); // before hours of evaluation, not after
 */
export async function checkOutputFile(file: string, flag?: string): Promise<void> {
  const label = flag === undefined ? file : `${flag} ${file}`;
  const target = path.resolve(file);
  const existing = await stat(target).catch(() => null);
  if (existing?.isDirectory()) throw new UserError(`${label}: is a directory, expected a file path`);
  if (existing !== null && !existing.isFile()) {
    throw new UserError(`${label}: is not a regular file (a device or a pipe); give a file path`);
  }
  let folder = path.dirname(target);
  let found = await stat(folder).catch(() => null);
  while (found === null && path.dirname(folder) !== folder) {
    folder = path.dirname(folder);
    found = await stat(folder).catch(() => null);
  }
  if (found !== null && !found.isDirectory()) {
    throw new UserError(`${label}: cannot write: ${folder} is a file, not a directory`);
  }
  try {
    await access(folder, constants.W_OK);
  } catch (error) {
    throw new UserError(`${label}: cannot write in ${folder}: ${describeFsError(error)}`, { cause: error });
  }
}
