/**
 * Taking a run folder: one run at a time, never over someone else's files. Before any work the
 * folder's path is checked (output-paths.ts), the folder is created (a default name gets a
 * suffix when another run took it in the same second: `mkdir` without `recursive` fails with
 * EEXIST, so two runs can never share one), and a lock file is created with O_EXCL (`wx`): a
 * second apdet-train on the same folder is refused while the first runs. A lock left by a
 * process that no longer exists (killed with SIGKILL, power cut) on this host is taken over.
 * A new run also refuses a folder that holds files but no run (the user's files).
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rmdir, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '@apdet/io';
import { checkOutputPath, describeWriteError, isFsError } from './output-paths.js';

/** The lock file in a run folder while a run uses it. */
export const RUN_LOCK = '.apdet-train.lock';
const MANIFEST = 'manifest.json';

export interface RunFolder {
  /** The folder taken (for a default name, possibly with a `-2`, `-3`, … suffix). */
  dir: string;
  /** Removes the lock (and the folder, when this run created it and left it empty). */
  release(): Promise<void>;
}

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

/**
 * Takes `runDir` for a new run (`resume: false`) or a continued one. `uniqueName`: `runDir` is a
 * generated default name, to be made unique rather than refused when it exists.
 */
export async function takeRunFolder(
  runDir: string,
  options: { resume: boolean; uniqueName?: boolean },
): Promise<RunFolder> {
  const label = `${options.resume ? '--resume' : '--out'} ${runDir}`;
  await checkOutputPath(runDir, 'folder', label);
  const { dir, firstCreated } = options.uniqueName ? await claimUniqueDir(runDir) : await ensureDir(runDir, label);
  const lock = path.join(dir, RUN_LOCK);
  await createLock(lock, label);
  const release = async (): Promise<void> => {
    await unlink(lock).catch(() => undefined);
    // A run that failed before writing anything leaves no empty folders behind (rmdir only
    // removes empty ones): the run folder and the parents this run created, up to the first.
    if (firstCreated === undefined) return;
    let d = dir;
    while ((await removeIfEmpty(d)) && d !== firstCreated && path.dirname(d) !== d) d = path.dirname(d);
  };
  if (!options.resume) {
    try {
      // The lock and the temporary files of locks being taken (here or by a run starting beside this one).
      const entries = (await readdir(dir)).filter((name) => !name.startsWith(RUN_LOCK));
      if (entries.includes(MANIFEST)) {
        throw new UserError(
          `--out ${dir} already holds a run; continue it with --resume ${dir} or choose another --out`,
        );
      }
      if (entries.length > 0) {
        throw new UserError(
          `--out ${dir} holds files but no run (no ${MANIFEST}): ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}; choose a new or empty folder`,
        );
      }
    } catch (error) {
      await release();
      throw error;
    }
  }
  return { dir, release };
}

/** rmdir: true when the folder was empty and is gone. */
async function removeIfEmpty(dir: string): Promise<boolean> {
  return rmdir(dir).then(
    () => true,
    () => false,
  );
}

/** The folder, and the topmost folder this call created (undefined when it existed). */
interface Claimed {
  dir: string;
  firstCreated: string | undefined;
}

async function ensureDir(dir: string, label: string): Promise<Claimed> {
  try {
    return { dir, firstCreated: await mkdir(dir, { recursive: true }) };
  } catch (error) {
    throw new UserError(`${label}: could not create the folder (${describeWriteError(error)})`, { cause: error });
  }
}

/** `base`, or `base-2`, `base-3`, …: the first that this process creates itself. */
async function claimUniqueDir(base: string): Promise<Claimed> {
  const parent = await mkdir(path.dirname(base), { recursive: true });
  for (let n = 1; ; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    try {
      await mkdir(dir);
      return { dir, firstCreated: parent ?? dir };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new UserError(`--out ${dir}: could not create the folder (${describeWriteError(error)})`, {
          cause: error,
        });
      }
    }
  }
}

/**
 * Creates the lock complete or not at all: written to a temporary file, then hard-linked to its
 * name (`link` fails with EEXIST when the name exists, atomically), so a reader never sees a
 * half-written lock.
 */
async function createLock(lock: string, label: string): Promise<void> {
  const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  const temp = `${lock}.${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temp, `${JSON.stringify(info)}\n`, { flag: 'wx' });
  } catch (error) {
    throw new UserError(`${label}: could not create ${RUN_LOCK} (${describeWriteError(error)})`, { cause: error });
  }
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(temp, lock);
        return;
      } catch (error) {
        if (!isFsError(error) || error.code !== 'EEXIST') {
          throw new UserError(`${label}: could not create ${RUN_LOCK} (${describeWriteError(error)})`, {
            cause: error,
          });
        }
      }
      const holder = await readLock(lock);
      if (holder !== null && !isStale(holder)) {
        throw new UserError(
          `${label} is in use by another apdet-train (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}); ` +
            `wait for it to end, or delete ${lock} if no run uses the folder`,
        );
      }
      // The process that held it is gone (or the lock is not one of ours): take it over.
      await unlink(lock).catch(() => undefined);
    }
    throw new UserError(`${label}: another process keeps taking ${RUN_LOCK}; try again`);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function readLock(lock: string): Promise<LockInfo | null> {
  try {
    const info = JSON.parse(await readFile(lock, 'utf8')) as Partial<LockInfo>;
    return typeof info.pid === 'number' && typeof info.host === 'string'
      ? { pid: info.pid, host: info.host, startedAt: String(info.startedAt) }
      : null;
  } catch {
    return null;
  }
}

/** A lock of this host whose process no longer exists; another host's lock cannot be checked. */
function isStale(holder: LockInfo): boolean {
  if (holder.host !== os.hostname()) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
