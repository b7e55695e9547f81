// Issue 22 item 17: 2-thread wasm writes its worker scripts to /tmp/apdet-wasm-threads-*; they
// were removed only at a normal exit, so every Ctrl-C'd or killed training left one behind.
// Now the folder goes on SIGINT/SIGTERM too, and a killed process's folder goes on the next run.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./helpers/wasm-temp-child.ts', import.meta.url));
const root = mkdtempSync(path.join(tmpdir(), 'apdet-wasm-temp-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const wasmTemps = () => readdirSync(root).filter((n) => n.startsWith('apdet-wasm-threads-'));

describe('wasm threads temporary folder', () => {
  it("is removed when the process is stopped, and a killed process's one on the next start", async () => {
    // A leftover of a process that no longer exists (no process has id 999999999 on Linux).
    const stale = path.join(root, 'apdet-wasm-threads-999999999-AbCdEf');
    mkdirSync(stale);
    writeFileSync(path.join(stale, 'wasm-thread-0.cjs'), '');
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, TMPDIR: root },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
    await new Promise<void>((resolve) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('ready\n')) resolve();
      });
      child.on('exit', () => resolve());
    });
    const running = wasmTemps();
    child.kill('SIGTERM');
    const signal = await ended;
    clearTimeout(timer);
    expect(running).toEqual([expect.stringMatching(new RegExp(`^apdet-wasm-threads-${child.pid}-`))]);
    expect(signal).toBe('SIGTERM');
    expect(wasmTemps()).toEqual([]);
  });
});
