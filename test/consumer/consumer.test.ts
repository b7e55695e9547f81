/**
 * Issue [M]'s consumer test: the library packages work outside the workspace, from their packed
 * tarballs only, installed with npm and run with plain node (tools/consumer-check.mjs does the
 * work; this runs it as part of `pnpm test`). Needs the npm registry for third-party dependencies.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

it('packs, installs with npm and runs the README examples with plain node, tsc and a browser bundle', () => {
  const out = execFileSync(process.execPath, [path.join(root, 'tools/consumer-check.mjs')], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  expect(out).toMatch(/consumer: ok \(coco-eval AP 0\.837612 = pycocotools/);
  expect(out).toMatch(/browser bundle \d+ KiB: stats equal pycocotools'/);
  expect(out).toMatch(/consumer-check: ok$/m);
}, 900_000);
