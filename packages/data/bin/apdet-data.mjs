#!/usr/bin/env node
// In the workspace the sources are TypeScript, run through tsx's loader, so there is no build
// step to forget; the published package has no src/ and runs the built dist/ instead.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/cli.js', import.meta.url).href);
}
