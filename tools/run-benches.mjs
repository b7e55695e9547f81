#!/usr/bin/env node
// Runs the benchmarks of every package (packages/*/bench/*.ts), one after another so they do
// not compete for the CPU. Each benchmark prints its own table and writes
// packages/<pkg>/bench/results/<name>.json.
//
//   pnpm bench                 # all of them
//   pnpm bench coco-eval       # those whose path contains "coco-eval"
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const filters = process.argv.slice(2);
const benches = [];
for (const group of ['packages', 'apps']) {
  for (const pkg of readdirSync(path.join(root, group))) {
    const dir = path.join(group, pkg, 'bench');
    if (!existsSync(path.join(root, dir))) continue;
    for (const file of readdirSync(path.join(root, dir)).sort()) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file.startsWith('_')) continue;
      const rel = path.join(dir, file);
      if (filters.length === 0 || filters.some((f) => rel.includes(f))) benches.push(rel);
    }
  }
}
if (benches.length === 0) {
  console.error(`no benchmark matches ${filters.join(' ') || '(any)'}`);
  process.exit(1);
}
let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench}`);
  const result = spawnSync('pnpm', ['exec', 'tsx', bench], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
