import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const runCliModule = fileURLToPath(new URL('../src/run-cli.ts', import.meta.url));
const userErrorModule = fileURLToPath(new URL('../src/user-error.ts', import.meta.url));

/** Runs a tiny CLI script (through tsx) whose main body is `body`. */
function runScript(body: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'apdet-run-cli-'));
  const script = path.join(dir, 'cli.ts');
  writeFileSync(
    script,
    `import { runCli } from ${JSON.stringify(runCliModule)};\nimport { UserError } from ${JSON.stringify(userErrorModule)};\nvoid UserError;\nrunCli(async () => { ${body} }, 'demo');\n`,
  );
  return spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 });
}

describe('runCli', () => {
  it('exits once main is done even if a background handle would keep Node alive', () => {
    const r = runScript(`setInterval(() => {}, 1000); console.log('done');`);
    expect(r.error).toBeUndefined(); // a timeout would show up here
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('done\n');
  });

  it('prints a user error as one line and exits 1', () => {
    const r = runScript(`throw new UserError('x.json: bad record');`);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('demo: error: x.json: bad record\n');
  });

  it('keeps the stack trace of a bug and exits 70', () => {
    const r = runScript(`throw new TypeError('boom');`);
    expect(r.status).toBe(70);
    expect(r.stderr).toMatch(/internal error[\s\S]*TypeError: boom\n\s+at /);
  });
});
