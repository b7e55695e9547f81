import { defineProject } from 'vitest/config';

// The tests run real (tiny) proxy trainings; files run one at a time so they do not compete for the 2 cores.
export default defineProject({
  test: {
    name: '@apdet/search-app',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
