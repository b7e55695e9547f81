/**
 * OPT-IN multi-threaded wasm backend in Node. THIS IS A HACK AGAINST tfjs INTERNALS.
 *
 * tfjs-backend-wasm 4.22.0 hard-codes `WASM_HAS_MULTITHREAD_SUPPORT = false` in Node, and
 * forcing the flag crashes: its pthread workers are created from `blob:` URLs, which Node's
 * `Worker` rejects (ERR_WORKER_PATH). The threaded binary itself works (docs/spec/platform.md §3),
 * so for the duration of the backend's initialisation we patch four things:
 *
 * 1. `globalThis.Blob` → a subclass that remembers the text it was built from;
 * 2. `URL.createObjectURL(blob)` → writes that text to a temp `.cjs` file, returns its path
 *    (a path is what Node's `Worker` and the worker's `importScripts` accept);
 * 3. `mainScriptUrlOrBlob` (the threaded factory's source, sent to every worker) → through a
 *    setter on Object.prototype, the same temp-file path instead of the Blob;
 * 4. that factory source references rollup's module aliases (`require$$0` … for fs, path,
 *    perf_hooks, os, and `commonjsGlobal`) that exist in tfjs's bundle scope but not in the
 *    worker, so we prepend their definitions.
 *
 * Also, tfjs caps XNNPACK threads at min(requested, os.cpus().length / 2, 8): on a 2-vCPU
 * machine that is 1, so `os.cpus` reports 2 × threads while the backend initialises.
 *
 * Everything is restored once `tf.setBackend('wasm')` resolves; the temp files are removed at
 * process exit or when it is stopped by a signal, and on the next start if it was killed. If a
 * later tfjs changes any of these internals, initialisation fails loudly (and the threads count
 * check below catches a silent fallback to 1 thread).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { removeOnExit, removeStaleTemps, tempPrefix } from '@apdet/io';

const ROLLUP_ALIASES =
  "var require$$0=require('fs'),require$$1=require('path'),require$$3=require('perf_hooks'),require$$4=require('os'),commonjsGlobal=globalThis;\n";

const TEXT = Symbol('recordedBlobText');

/** The temporary folder's name: `<os.tmpdir()>/apdet-wasm-threads-<pid>-XXXXXX`. */
const TEMP_NAME = 'apdet-wasm-threads-';

interface Patches {
  restore(): void;
}

function installPatches(tempDir: string, threads: number): Patches {
  const OriginalBlob = globalThis.Blob;
  // Kept unbound on purpose: restore() must put back this exact function object, and Node's static
  // URL.createObjectURL does not use `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const originalCreateObjectURL = URL.createObjectURL;
  const originalCpus = os.cpus;
  let fileCount = 0;

  const writeTemp = (text: string): string => {
    const file = path.join(tempDir, `wasm-thread-${fileCount++}.cjs`);
    writeFileSync(file, text);
    return file;
  };

  class RecordingBlob extends OriginalBlob {
    readonly [TEXT]: string;
    constructor(...args: ConstructorParameters<typeof Blob>) {
      super(...args);
      const parts = args[0];
      this[TEXT] = (parts ?? []).map((p) => (typeof p === 'string' ? p : '')).join('');
    }
  }
  const textOf = (b: unknown): string | undefined => (b instanceof RecordingBlob ? b[TEXT] : undefined);

  globalThis.Blob = RecordingBlob;
  URL.createObjectURL = (obj: Blob) => {
    const text = textOf(obj);
    return text === undefined ? originalCreateObjectURL(obj) : writeTemp(text);
  };
  Object.defineProperty(Object.prototype, 'mainScriptUrlOrBlob', {
    configurable: true,
    set(this: Record<string, unknown>, value: unknown) {
      const text = textOf(value);
      const v = text === undefined ? value : writeTemp(ROLLUP_ALIASES + text);
      Object.defineProperty(this, 'mainScriptUrlOrBlob', {
        value: v,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    },
  });
  const cpus = originalCpus();
  os.cpus = () =>
    cpus.length >= 2 * threads ? cpus : Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length]);

  return {
    restore() {
      globalThis.Blob = OriginalBlob;
      URL.createObjectURL = originalCreateObjectURL;
      delete (Object.prototype as Record<string, unknown>).mainScriptUrlOrBlob;
      os.cpus = originalCpus;
    },
  };
}

/**
 * Initialises the wasm backend with `threads` XNNPACK threads (≥ 2). Must run before the wasm
 * backend has been initialised in this process. Returns the thread count tfjs reports.
 */
export async function initThreadedWasm(threads: number): Promise<number> {
  if (tf.engine().registry.wasm != null) {
    throw new Error(
      'wasm threads must be set before the wasm backend initialises; call initBackend({ threads }) before creating any tensor or selecting wasm',
    );
  }
  // The worker scripts live as long as the backend (workers may start later). The folder is
  // named after this process and removed at exit and on SIGINT/SIGTERM; the folders of processes
  // that ended without cleaning up (kill -9) are removed here (issue 22 item 17).
  await removeStaleTemps(os.tmpdir(), TEMP_NAME);
  const tempDir = mkdtempSync(path.join(os.tmpdir(), tempPrefix(TEMP_NAME)));
  removeOnExit(tempDir);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  const patches = installPatches(tempDir, threads);
  try {
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('the threaded wasm backend failed to initialise');
  } finally {
    patches.restore();
  }
  const actual = getThreadsCount();
  if (actual !== threads) {
    throw new Error(`asked tfjs-backend-wasm for ${threads} threads, it runs ${actual}`);
  }
  return actual;
}
