import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const readJson = (p: string) => JSON.parse(readFileSync(path.join(root, p), 'utf8'));

describe('workspace layout', () => {
  it('has the top level the design card names', () => {
    for (const entry of ['package.json', 'pnpm-workspace.yaml', 'nx.json', 'packages', 'apps', 'tools', 'test']) {
      expect(existsSync(path.join(root, entry)), entry).toBe(true);
    }
  });

  it('pins pnpm 10.34.x and Node >= 20.19', () => {
    const pkg = readJson('package.json');
    expect(pkg.packageManager).toMatch(/^pnpm@10\.34\.\d+$/);
    expect(pkg.engines.node).toBe('>=20.19');
  });

  it('turns the nx daemon off', () => {
    expect(readJson('nx.json').useDaemonProcess).toBe(false);
  });

  it('gives every package and app an nx project with a test target', () => {
    for (const group of ['packages', 'apps']) {
      for (const dir of readdirSync(path.join(root, group))) {
        const project = readJson(`${group}/${dir}/project.json`);
        // nx names are unique: an app sharing a package's folder name is `<dir>-app` (apps/search).
        const clash = group === 'apps' && existsSync(path.join(root, 'packages', dir));
        expect(project.name, `${group}/${dir}`).toBe(clash ? `${dir}-app` : dir);
        expect(project.targets.test, `${group}/${dir} test target`).toBeDefined();
      }
    }
  });

  it('refuses every dependency build script in pnpm 10 and pnpm 11+ syntax', () => {
    const yaml = readFileSync(path.join(root, 'pnpm-workspace.yaml'), 'utf8');
    for (const name of ['@tensorflow/tfjs-node-gpu', 'core-js', 'esbuild', 'nx']) {
      expect(yaml).toContain(`- ${name.startsWith('@') ? `"${name}"` : name}`);
      expect(yaml).toMatch(new RegExp(`"?${name.replace('/', '\\/')}"?: false`));
    }
  });
});
