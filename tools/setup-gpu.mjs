#!/usr/bin/env node
// One-command GPU setup: `pnpm gpu:setup`.
//
// @tensorflow/tfjs-node-gpu is an optional dependency whose install script (it downloads
// libtensorflow 2.9.1 for CUDA 11.2 / cuDNN 8.1) is refused by pnpm-workspace.yaml so that a
// plain `pnpm install` stays clean on machines without a GPU or network access. This script
// runs that install script on purpose. `pnpm rebuild` cannot do it: pnpm 10 skips refused builds.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(new URL('../packages/backend/package.json', import.meta.url));
let pkgJson;
try {
  pkgJson = require.resolve('@tensorflow/tfjs-node-gpu/package.json');
} catch {
  console.error(
    'gpu:setup: @tensorflow/tfjs-node-gpu is not installed. Run `pnpm install` first (it is an optional dependency of @apdet/backend).',
  );
  process.exit(1);
}
const pkgDir = path.dirname(pkgJson);
const binDir = path.join(pkgDir, 'node_modules', '.bin');
console.log(`gpu:setup: running the libtensorflow download in ${pkgDir}`);
const result = spawnSync(process.execPath, ['scripts/install.js', 'gpu', 'download'], {
  cwd: pkgDir,
  stdio: 'inherit',
  env: { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` },
});
if (result.status !== 0) {
  console.error(
    'gpu:setup: the tfjs-node-gpu install script failed (see above). It needs network access to the libtensorflow CDN, or TFJS_NODE_CDN_STORAGE pointing at a mirror.',
  );
  process.exit(result.status ?? 1);
}
console.log('gpu:setup: done. `--backend tensorflow` (or the default order) now uses the GPU.');
