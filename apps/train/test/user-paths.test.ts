/**
 * Paths: a run stores absolute paths, so it is found and evaluated from any directory; user
 * paths are the user's, also under `pnpm nx`, which runs the command in the workspace root (the
 * user's directory comes from INIT_CWD, or from the invoking nx process; emulated here with a
 * temporary "workspace").
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRunSettings, readManifest } from '../src/index.js';
import { cli, cliChild, EVAL_BIN, makeFixture, type Fixture } from './helpers.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture();
}, 120_000);
afterAll(async () => rm(fx.dir, { recursive: true, force: true }));

const tiny = ['--backend', 'cpu', '--max-steps', '1', '--train-images', '4', '--val-images', '1'];

describe('paths in a run', () => {
  it('are stored absolute, so apdet-eval --run works from another directory', async () => {
    const trained = cli(
      ['retinanet', '--data', 'shapes', '--config', 'tiny-test.json', '--out', 'runs/relative', ...tiny],
      fx.dir,
    );
    expect(trained.status, trained.stderr).toBe(0);
    const run = path.join(fx.dir, 'runs', 'relative');
    const m = await readManifest(run);
    expect(m.settings.data.dir).toBe(fx.data);
    expect(m.settings.configSource).toBe(fx.config);
    const evalJson = JSON.parse(await readFile(path.join(run, 'eval.json'), 'utf8')) as Record<string, string>;
    expect(evalJson.run).toBe(run);
    expect(evalJson.gt).toBe(path.join(fx.data, 'instances_val.json'));

    const elsewhere = path.join(fx.dir, 'elsewhere');
    await mkdir(elsewhere);
    const evaluated = await cliChild(['--run', run, '--backend', 'cpu'], { bin: EVAL_BIN, cwd: elsewhere });
    expect(evaluated.status, evaluated.stderr).toBe(0);
    expect(await readdir(elsewhere)).toEqual([]);
  }, 120_000);

  it('the built-in dataset is stored as an absolute path', () => {
    const settings = buildRunSettings({ detector: 'retinanet' });
    expect(settings.data).toEqual({ dir: path.resolve('data/shapes'), builtIn: true });
  });
});

describe('under pnpm nx (cwd = workspace root)', () => {
  it("resolves --data, --config and --out against the user's directory (INIT_CWD)", async () => {
    const workspace = path.join(fx.dir, 'workspace');
    const user = path.join(workspace, 'sub');
    await mkdir(user, { recursive: true });
    const env = {
      ...process.env,
      NX_TASK_TARGET_PROJECT: 'retinanet',
      NX_TASK_TARGET_TARGET: 'train',
      NX_WORKSPACE_ROOT: workspace,
      INIT_CWD: user,
    };
    const r = cli(
      ['retinanet', '--data', '../../shapes', '--config', '../../tiny-test.json', '--out', 'my-run', ...tiny],
      { cwd: workspace, env },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(path.join(user, 'my-run', 'eval.json'))).toBe(true);
    expect(existsSync(path.join(workspace, 'my-run'))).toBe(false);
  }, 120_000);
});
