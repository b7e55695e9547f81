import { pathToFileURL } from 'node:url';
import { UserError } from '@apdet/io';
import type { RunProxyJob } from '../contract.js';

/** Turns a task-module location (absolute path or URL) into something `import()` accepts. */
export function taskModuleUrl(path: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(path) && !/^[a-z]:[\\/]/i.test(path) ? path : pathToFileURL(path).href;
}

/**
 * Imports the proxy task module and returns its `runProxyJob` export. A module that cannot be
 * imported, or lacks the export, is a configuration error (a {@link UserError}), never a reason to
 * retry a job: every worker would fail the same way.
 */
export async function loadRunProxyJob(path: string): Promise<RunProxyJob> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(taskModuleUrl(path))) as Record<string, unknown>;
  } catch (error) {
    throw new UserError(`cannot load the proxy task module ${path}: ${errorMessage(error)}`, { cause: error });
  }
  const runProxyJob = mod.runProxyJob;
  if (typeof runProxyJob !== 'function') {
    throw new UserError(`the proxy task module ${path} does not export a function runProxyJob(job, onProgress)`);
  }
  return runProxyJob as RunProxyJob;
}

/** The message of anything thrown, for one-line logs and failure reasons. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
