/**
 * apdet-eval's paths through the real CLI (child processes, --gt/--dt mode on the p02 fixture):
 * user paths resolve against the user's directory under `pnpm nx` (which runs the command in
 * the workspace root; emulated with a temporary workspace), an output that would replace an
 * input is refused, and output paths are checked before the evaluation.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(here, '..', 'bin', 'apdet-eval.mjs');
const FIXTURE = path.join(here, 'fixtures', 'p02_crowd');

const dir = mkdtempSync(path.join(tmpdir(), 'apdet-eval-paths-'));
const workspace = path.join(dir, 'workspace');
const user = path.join(workspace, 'sub');
mkdirSync(user, { recursive: true });
copyFileSync(path.join(FIXTURE, 'gt.json'), path.join(user, 'gt.json'));
copyFileSync(path.join(FIXTURE, 'dt.json'), path.join(user, 'dt.json'));
const GT = path.join(user, 'gt.json');
const DT = path.join(user, 'dt.json');
const gtText = readFileSync(GT, 'utf8');
const dtText = readFileSync(DT, 'utf8');
let sleeper: ChildProcess | undefined;

afterAll(() => {
  sleeper?.kill();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { timeout: 60_000, cwd: options.cwd ?? user, env: options.env ?? process.env },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

function expectOneErrorLine(r: Run, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^apdet-eval: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stdout).not.toMatch(/Average Precision/); // refused before the evaluation
}

const nxEnv = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...process.env,
  INIT_CWD: undefined,
  NX_INVOCATION_ANCESTOR_PIDS: undefined,
  NX_TASK_TARGET_PROJECT: 'eval',
  NX_TASK_TARGET_TARGET: 'eval',
  NX_WORKSPACE_ROOT: workspace,
  ...extra,
});

describe('under pnpm nx (cwd = workspace root)', () => {
  it("reads --gt/--dt and writes --out in the user's directory (INIT_CWD)", async () => {
    const r = await run(['--gt', 'gt.json', '--dt', 'dt.json', '--out', 'from-init-cwd.json'], {
      cwd: workspace,
      env: nxEnv({ INIT_CWD: user }),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(user, 'from-init-cwd.json'))).toBe(true);
    expect(existsSync(path.join(workspace, 'from-init-cwd.json'))).toBe(false);
  });

  it("without INIT_CWD: the directory nx was invoked from (the invoking nx process's cwd)", async () => {
    // Stands in for the nx process: a process started in the user's directory.
    sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { cwd: user, stdio: 'ignore' });
    const r = await run(['--gt', 'gt.json', '--dt', 'dt.json', '--out', 'from-nx-pid.json'], {
      cwd: workspace,
      env: nxEnv({ NX_INVOCATION_ANCESTOR_PIDS: String(sleeper.pid) }),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(user, 'from-nx-pid.json'))).toBe(true);
  });

  it('a command that is not the nx eval target keeps its own cwd (INIT_CWD leaks into children)', async () => {
    writeFileSync(path.join(workspace, 'gt.json'), gtText);
    writeFileSync(path.join(workspace, 'dt.json'), dtText);
    const r = await run(['--gt', 'gt.json', '--dt', 'dt.json', '--out', 'own-cwd.json'], {
      cwd: workspace,
      env: nxEnv({ NX_TASK_TARGET_TARGET: 'test', INIT_CWD: user }),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(workspace, 'own-cwd.json'))).toBe(true);
  });
});

describe('outputs that would destroy inputs', () => {
  it('--out equal to --gt or --dt is refused and the input kept', async () => {
    expectOneErrorLine(await run(['--gt', GT, '--dt', DT, '--out', GT]), /--out .*gt\.json is the --gt file/);
    expectOneErrorLine(await run(['--gt', GT, '--dt', DT, '--out', './dt.json']), /--out .*dt\.json is the --dt file/);
    const link = path.join(user, 'link-to-gt.json');
    symlinkSync(GT, link);
    expectOneErrorLine(await run(['--gt', GT, '--dt', DT, '--out', link]), /--out .*link-to-gt\.json is the --gt file/);
    expectOneErrorLine(
      await run(['--gt', GT, '--dt', DT, '--timing-json', DT]),
      /--timing-json .*dt\.json is the --dt file/,
    );
    expect(readFileSync(GT, 'utf8')).toBe(gtText);
    expect(readFileSync(DT, 'utf8')).toBe(dtText);
  });
});

describe('output paths checked before the evaluation', () => {
  it('--out that is a directory, or under a file, is one line', async () => {
    expectOneErrorLine(await run(['--gt', GT, '--dt', DT, '--out', dir]), /--out .* is a directory, not a file/);
    expectOneErrorLine(
      await run(['--gt', GT, '--dt', DT, '--out', path.join(GT, 'result.json')]),
      /--out .*gt\.json\/result\.json: .*gt\.json is a file, not a folder/,
    );
    expectOneErrorLine(
      await run(['--gt', GT, '--dt', DT, '--timing-json', path.join(GT, 't.json')]),
      /--timing-json .*: .*gt\.json is a file, not a folder/,
    );
  });

  it.skipIf(process.getuid?.() === 0)('--out in a read-only folder is one line', async () => {
    const readOnly = path.join(dir, 'read-only');
    mkdirSync(readOnly, { mode: 0o555 });
    expectOneErrorLine(
      await run(['--gt', GT, '--dt', DT, '--out', path.join(readOnly, 'r.json')]),
      /--out .*read-only\/r\.json: .*read-only is not writable/,
    );
  });
});
