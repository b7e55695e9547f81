import { defineConfig } from 'vitest/config';

// One vitest project per workspace package/app (named after its package.json), so
// `pnpm test` runs everything and `pnpm nx test <project>` runs one of them.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'test'],
  },
});
