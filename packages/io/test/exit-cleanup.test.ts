import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { removeStaleTemps, tempPrefix } from '../src/index.js';

const cleanupModule = fileURLToPath(new URL('../src/exit-cleanup.ts', import.meta.url));
const made: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'apdet-exit-cleanup-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
}

/**
 * Runs a script (through tsx) that creates `<dir>/temp` and `<dir>/kept`, registers both with
 * removeOnExit, releases `kept`, runs `body`, prints "ready" and waits; then sends `signal`.
 */
function stopAfterReady(dir: string, body: string, signal: NodeJS.Signals): Promise<Ended> {
  const script = path.join(dir, 'script.ts');
  writeFileSync(
    script,
    `import { mkdirSync, writeFileSync } from 'node:fs';
import { removeOnExit } from ${JSON.stringify(cleanupModule)};
const dir = ${JSON.stringify(dir)};
mkdirSync(dir + '/temp/inner', { recursive: true });
writeFileSync(dir + '/temp/inner/data.bin', 'x');
mkdirSync(dir + '/kept');
removeOnExit(dir + '/temp');
removeOnExit(dir + '/kept')();
${body}
setInterval(() => {}, 1000);
process.stdout.write('ready\\n');
`,
  );
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('ready\n') && !child.killed) child.kill(signal);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout });
    });
  });
}

describe('removeOnExit', () => {
  it('removes its targets on SIGTERM and SIGINT, and the process still ends by that signal', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const dir = tempDir();
      const ended = await stopAfterReady(dir, '', signal);
      expect(ended.signal, signal).toBe(signal);
      expect(existsSync(path.join(dir, 'temp')), signal).toBe(false);
      expect(existsSync(path.join(dir, 'kept')), signal).toBe(true);
    }
  });

  it('leaves a signal the program handles to it, and removes the targets when it exits', async () => {
    const dir = tempDir();
    // A trainer that saves a checkpoint on Ctrl-C: the temporary files must still be there meanwhile.
    const body = `import { existsSync } from 'node:fs';
process.once('SIGINT', () => {
  process.stdout.write(existsSync(dir + '/temp') ? 'saving\\n' : 'removed too early\\n');
  setTimeout(() => process.exit(3), 50);
});`;
    const ended = await stopAfterReady(dir, body, 'SIGINT');
    expect(ended.stdout).toBe('ready\nsaving\n');
    expect(ended.code).toBe(3);
    expect(existsSync(path.join(dir, 'temp'))).toBe(false);
    expect(existsSync(path.join(dir, 'kept'))).toBe(true);
  });
});

describe('removeStaleTemps', () => {
  it("removes the leftovers of processes that are gone, never a live process's", async () => {
    const dir = tempDir();
    // 999999999 is above Linux's largest process id (2^22), so no process has it.
    const dead = 'apdet-x-999999999-Ab12Cd';
    const alive = `apdet-x-${process.ppid}-Ef34Gh`;
    const own = `${tempPrefix('apdet-x-')}Ij56Kl`;
    for (const name of [dead, alive, own, 'apdet-x-legacy', 'other-999999999-x']) mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, dead, 'data.bin'), 'x');
    expect(await removeStaleTemps(dir, 'apdet-x-')).toEqual([path.join(dir, dead)]);
    expect((await readdir(dir)).sort()).toEqual([alive, own, 'apdet-x-legacy', 'other-999999999-x'].sort());
    expect(await removeStaleTemps(path.join(dir, 'missing'), 'apdet-x-')).toEqual([]);
  });
});
