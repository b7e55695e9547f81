/**
 * Output paths checked before the work, and write errors as one line. A run that trains for an
 * hour and then dies on "EISDIR" with a stack trace has lost the hour; so every output a command
 * will write (a run folder, a result file) is checked first: it must be of the right kind (a
 * folder, a regular file), no part of its path may be a file, and the nearest existing folder
 * must be writable (missing folders below it are created later). An error while writing anyway
 * (disk full, a folder made read-only meanwhile) becomes a UserError naming the file.
 */
import { constants, statSync, type Stats } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '@apdet/io';

/** What an output path must be: a folder (a run folder) or a regular file (a result JSON). */
export type OutputKind = 'folder' | 'file';

function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') return null; // a parent is a file: reported by the walk below
    throw new UserError(`${file}: ${describeWriteError(error)}`, { cause: error });
  }
}

/**
 * Checks that `target` can be written as a `kind`: an existing target has that kind, the nearest
 * existing ancestor is a writable folder. `label` names the path in the message (`--out <path>`).
 *
 * @example
 * await checkOutputPath('/tmp', 'file', '--out /tmp'); // UserError: --out /tmp is a directory, not a file
 */
export async function checkOutputPath(target: string, kind: OutputKind, label: string): Promise<void> {
  const absolute = path.resolve(target);
  const existing = statOrNull(absolute);
  if (existing !== null) {
    if (kind === 'folder' && !existing.isDirectory()) throw new UserError(`${label} is a file, not a folder`);
    if (kind === 'file' && existing.isDirectory()) throw new UserError(`${label} is a directory, not a file`);
    if (kind === 'file' && !existing.isFile()) {
      throw new UserError(`${label} is not a regular file (a device, a pipe or a socket); give a file path`);
    }
    await checkWritable(kind === 'folder' ? absolute : path.dirname(absolute), label);
    return;
  }
  // Walk up to the nearest existing ancestor: it must be a writable folder.
  let dir = path.dirname(absolute);
  for (;;) {
    const stats = statOrNull(dir);
    if (stats !== null) {
      if (!stats.isDirectory()) throw new UserError(`${label}: ${dir} is a file, not a folder`);
      await checkWritable(dir, label);
      return;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

async function checkWritable(dir: string, label: string): Promise<void> {
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new UserError(`${label}: ${dir} is not writable`);
  }
}

/** True when two paths name the same existing file (symlinks and hard links included). */
export function sameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** A short reason for a failed write ("no space left on device"), for one error line. */
export function describeWriteError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EROFS':
      return 'read-only file system';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
    case 'ENOTEMPTY':
      return 'a directory is in the way';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'ENOENT':
      return 'its folder was removed';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'EIO':
      return 'input/output error';
    default:
      return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

/** True for an error of the file system (an errno code), as opposed to a bug. */
export function isFsError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return error instanceof Error && typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/**
 * Runs a write; a file-system error becomes one line, `<file>: could not write (<reason>)`.
 * Other errors pass unchanged.
 *
 * @example
 * await writing(file, () => atomicWriteJson(file, result));
 */
export async function writing<T>(file: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isFsError(error)) {
      throw new UserError(`${file}: could not write (${describeWriteError(error)})`, { cause: error });
    }
    throw error;
  }
}
