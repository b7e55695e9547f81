#!/usr/bin/env node
// The consumer test of the library packages (issue [M]): build them, `pnpm pack` each, install
// the tarballs with npm into a fresh project OUTSIDE the workspace, then, with plain `node`
// (no pnpm, no tsx): run the coco-eval and losses README examples and import every package
// (test/consumer/app/check.mjs), type-check a consumer against the shipped .d.ts files, and
// bundle @apdet/coco-eval for the browser with Vite and run the bundle in a bare VM context.
//
//   node tools/consumer-check.mjs [--keep]      # --keep leaves the temporary project in place
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { build } from 'vite';

const root = path.resolve(import.meta.dirname, '..');
const keep = process.argv.includes('--keep');
const work = mkdtempSync(path.join(os.tmpdir(), 'apdet-consumer-'));
const tarballs = path.join(work, 'tarballs');
const app = path.join(work, 'app');
const step = (line) => console.log(`consumer-check: ${line}`);
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });

try {
  step('building every library package (pnpm build)');
  run('pnpm', ['build', '--output-style=static'], root);

  const packages = readdirSync(path.join(root, 'packages')).sort();
  mkdirSync(tarballs);
  const deps = {};
  for (const name of packages) {
    const dir = path.join(root, 'packages', name);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const out = execFileSync('pnpm', ['pack', '--pack-destination', tarballs, '--json'], {
      cwd: dir,
      encoding: 'utf8',
    });
    const packed = JSON.parse(out);
    const bad = packed.files
      .map((f) => f.path)
      .filter((f) => !/^(dist\/|bin\/|fonts\/|docs\/|README\.md$|LICENSE$|package\.json$)/.test(f));
    if (bad.length > 0)
      throw new Error(`${manifest.name}: the tarball holds files outside dist/: ${bad.slice(0, 5).join(', ')}`);
    deps[manifest.name] = `file:${path.join(tarballs, path.basename(packed.filename))}`;
  }
  step(`packed ${packages.length} packages into ${tarballs}`);

  cpSync(path.join(root, 'test/consumer/app'), app, { recursive: true });
  const fixtures = path.join(app, 'fixtures');
  mkdirSync(fixtures);
  const p02 = path.join(root, 'packages/coco-eval/test/fixtures/p02_crowd');
  for (const f of ['gt', 'dt', 'expected']) cpSync(path.join(p02, `${f}.json`), path.join(fixtures, `p02_${f}.json`));
  cpSync(
    path.join(root, 'packages/losses/test/fixtures/paploss/linear_basic.json'),
    path.join(fixtures, 'pap_linear_basic.json'),
  );
  writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'apdet-consumer',
        private: true,
        type: 'module',
        dependencies: deps,
        // Each tarball's own @apdet dependencies resolve to the same local tarballs.
        overrides: deps,
        devDependencies: { '@types/node': '20.19.43', typescript: '5.9.3' },
      },
      null,
      2,
    ),
  );
  step('npm install of the tarballs into a fresh project');
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app);

  step('plain node: README examples and every import');
  run(process.execPath, ['check.mjs'], app);

  step('the apdet-data command from the published bin');
  run(process.execPath, [path.join(app, 'node_modules/@apdet/data/bin/apdet-data.mjs'), '--help'], app);

  step('tsc --noEmit against the shipped declarations');
  run(process.execPath, [path.join(app, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);

  step('Vite browser bundle of @apdet/coco-eval, run in a bare VM context');
  await build({
    root: app,
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: path.join(app, 'browser-dist'),
      minify: false,
      lib: {
        entry: path.join(app, 'browser-entry.mjs'),
        formats: ['iife'],
        name: 'apdetCocoEval',
        fileName: () => 'bundle.js',
      },
    },
  });
  const bundle = readFileSync(path.join(app, 'browser-dist/bundle.js'), 'utf8');
  if (/\bnode:|\brequire\(/.test(bundle))
    throw new Error('the browser bundle of @apdet/coco-eval refers to Node modules');
  const json = (f) => JSON.parse(readFileSync(path.join(fixtures, f), 'utf8'));
  const context = vm.createContext({ gt: json('p02_gt.json'), dt: json('p02_dt.json') });
  vm.runInContext(bundle, context);
  const stats = vm.runInContext('apdetCocoEval.evaluateCoco(gt, dt).stats', context);
  const expected = json('p02_expected.json').stats;
  if (stats.some((s, i) => Math.abs(s - expected[i]) > 1e-12))
    throw new Error(`browser bundle stats ${stats} ≠ ${expected}`);
  step(`browser bundle ${(bundle.length / 1024).toFixed(0)} KiB: stats equal pycocotools'`);

  step('the documented publish command, as a dry run (pnpm -r publish --dry-run)');
  run('pnpm', ['-r', 'publish', '--dry-run', '--no-git-checks', '--loglevel=error'], root);
  step('ok');
} finally {
  if (keep) step(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
