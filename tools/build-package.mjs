#!/usr/bin/env node
// Builds one library package for publishing (its nx `build` target; `pnpm build` runs them all):
// src/**/*.ts → dist/ (JavaScript, .d.ts, source maps) with tsc, the plain-JavaScript entry files
// (src/**/*.mjs: worker and child-process entries) copied beside them, and the repository's
// LICENSE copied into the package folder so `pnpm pack` ships it. Inside the workspace the apps
// and tests keep running the TypeScript sources; only `publishConfig` points at dist/.
//
//   node tools/build-package.mjs packages/coco-eval
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const pkgArg = process.argv[2];
if (!pkgArg) {
  console.error('usage: node tools/build-package.mjs <package dir>');
  process.exit(2);
}
const pkg = path.resolve(root, pkgArg);
const config = path.join(pkg, 'tsconfig.build.json');
if (!existsSync(config)) {
  console.error(`build: ${path.relative(root, config)} does not exist`);
  process.exit(2);
}
const dist = path.join(pkg, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', config], {
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

/** Copies src/**\/*.mjs to the same place under dist/. */
function copyEntries(from, to) {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) copyEntries(source, path.join(to, entry.name));
    else if (entry.name.endsWith('.mjs')) cpSync(source, path.join(to, entry.name));
  }
}
copyEntries(path.join(pkg, 'src'), dist);
cpSync(path.join(root, 'LICENSE'), path.join(pkg, 'LICENSE'));
console.log(`built ${path.relative(root, pkg)} → ${path.relative(root, dist)}`);
