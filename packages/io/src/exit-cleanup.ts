/**
 * Temporary files and folders that must not outlive their process (issue 22 item 17: an
 * interrupted `make-shapes` left `<out>.tmp-*` folders of up to 210 MB, wasm training left
 * `/tmp/apdet-wasm-threads-*`, a killed search `/tmp/apdet-proxy-*`).
 *
 * Two mechanisms, because a process cannot clean up after SIGKILL or a power cut:
 * - {@link removeOnExit}: removed when the process exits, and on SIGINT/SIGTERM/SIGHUP;
 * - names from {@link tempPrefix} carry the creating process's id, so the next run removes the
 *   leftovers of processes that no longer exist ({@link removeStaleTemps}).
 */
import { rmSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';

const pending = new Set<string>();
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let listening = false;

/**
 * Removes `target` (a file or a folder) if the process exits, or is stopped by SIGINT, SIGTERM
 * or SIGHUP, before the returned function is called; call it once the target is kept (renamed
 * into place) or removed. A signal the program handles itself (another listener, e.g. a trainer
 * that saves a checkpoint first) is left to it: the removal then happens when it exits.
 * Otherwise the targets are removed and the signal is raised again, so the process ends as it
 * would have without this module (exit status 128 + signal number).
 *
 * @example
 * const release = removeOnExit(temp);
 * await generateInto(temp);
 * await rename(temp, dir);
 * release();
 */
export function removeOnExit(target: string): () => void {
  const absolute = path.resolve(target);
  pending.add(absolute);
  listen(true);
  return () => {
    pending.delete(absolute);
    if (pending.size === 0) listen(false);
  };
}

/**
 * The start of a temporary name that {@link removeStaleTemps} can trace to this process:
 * `<prefix><pid>-`, followed by anything unique (`mkdtemp` adds six characters).
 *
 * @example
 * await mkdtemp(path.join(os.tmpdir(), tempPrefix('apdet-proxy-'))); // /tmp/apdet-proxy-4711-Xa9c2Q
 */
export function tempPrefix(prefix: string): string {
  return `${prefix}${process.pid}-`;
}

/**
 * Removes the entries of `dir` named `<prefix><pid>-…` whose process no longer exists (a
 * process of this machine with that id: another user's counts as alive). Entries of live
 * processes, of this one, and names without a process id are kept. Returns the removed paths;
 * a missing `dir` removes nothing.
 */
export async function removeStaleTemps(dir: string, prefix: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = /^(\d+)-/.exec(name.slice(prefix.length))?.[1];
    if (pid === undefined || Number(pid) === process.pid || processExists(Number(pid))) continue;
    const stale = path.join(dir, name);
    await rm(stale, { recursive: true, force: true, maxRetries: 3 });
    removed.push(stale);
  }
  return removed;
}

/** True when a process with this id exists (signal 0 checks without sending anything). */
function processExists(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeAllNow(): void {
  for (const target of pending) {
    try {
      rmSync(target, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Best effort at exit: nothing else can be done about a file that cannot be removed.
    }
  }
  pending.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return; // the program handles it; 'exit' cleans up
  removeAllNow();
  listen(false);
  process.kill(process.pid, signal);
}

/** Listens for exit and the stop signals while something is pending (signals reach the main thread only). */
function listen(on: boolean): void {
  if (on === listening) return;
  listening = on;
  if (on) process.on('exit', removeAllNow);
  else process.removeListener('exit', removeAllNow);
  if (!isMainThread) return;
  for (const signal of SIGNALS) {
    if (on) process.on(signal, onSignal);
    else process.removeListener(signal, onSignal);
  }
}
