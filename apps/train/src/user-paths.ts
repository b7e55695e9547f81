/**
 * The user's paths are the user's: a relative `--data`, `--out` or `--gt` means "relative to the
 * directory I typed the command in". `pnpm nx <target>` breaks that: nx runs the target's command
 * in the workspace root (`"cwd": "{workspaceRoot}"` in the project.json files), so relative paths
 * would land there. The directory the user invoked nx from is recovered here:
 * - INIT_CWD, which npm and pnpm set for the scripts they run (nx reads it first too: nrwl/nx
 *   24.0.6, packages/nx/src/utils/path.ts, `getCwd`);
 * - else the current directory of the outermost nx process, whose pid nx passes to its tasks in
 *   NX_INVOCATION_ANCESTOR_PIDS (nrwl/nx 24.0.6, packages/nx/src/tasks-runner/task-env.ts,
 *   `getNxEnvVariablesForForkedProcess`), read from /proc on Linux. Measured with pnpm 10.34.9:
 *   `pnpm nx` sets no INIT_CWD, and nx sets PWD to the workspace root.
 * Only the command of the nx target itself is translated (NX_TASK_TARGET_TARGET names it and the
 * process runs in NX_WORKSPACE_ROOT): these variables leak into every process a task starts
 * (tests, tools), whose relative paths are relative to their own directory.
 */
import { readlinkSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The directory relative user paths are relative to: the user's directory when this process is
 * the command of the nx target `target` (`train`, `eval`), else the current directory.
 *
 * @example
 * // `cd data && pnpm nx eval --gt gt.json` runs in the workspace root; gt.json is data/gt.json:
 * path.resolve(userCwd('eval'), 'gt.json');
 */
export function userCwd(target: string, env: NodeJS.ProcessEnv = process.env): string {
  const cwd = process.cwd();
  const root = env.NX_WORKSPACE_ROOT;
  if (env.NX_TASK_TARGET_TARGET !== target || root === undefined || !sameDir(root, cwd)) return cwd;
  const initCwd = env.INIT_CWD;
  if (initCwd !== undefined && path.isAbsolute(initCwd) && isDir(initCwd)) return initCwd;
  const outermost = Number((env.NX_INVOCATION_ANCESTOR_PIDS ?? '').split(',')[0]);
  if (Number.isSafeInteger(outermost) && outermost > 0) {
    try {
      return readlinkSync(`/proc/${outermost}/cwd`);
    } catch {
      // Not Linux, or the nx process is gone: relative paths stay relative to the workspace root.
    }
  }
  return cwd;
}

/**
 * A user's path made absolute against {@link userCwd} (absolute paths are kept as they are).
 *
 * @example
 * resolveUserPath('eval', 'result.json'); // "/home/me/project/data/result.json" under `pnpm nx eval` from data/
 */
export function resolveUserPath(target: string, file: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(userCwd(target, env), file);
}

/** `flags` with each of `keys` that holds a path made absolute against {@link userCwd}. */
export function withUserPaths<T extends object>(target: string, flags: T, keys: readonly (keyof T)[]): T {
  const out = { ...flags };
  for (const key of keys) {
    const value = out[key];
    if (typeof value === 'string') out[key] = resolveUserPath(target, value) as T[keyof T];
  }
  return out;
}

function sameDir(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
}

function isDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
