import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: '@apdet/integration-tests', include: ['**/*.test.ts'], testTimeout: 300_000 },
});
