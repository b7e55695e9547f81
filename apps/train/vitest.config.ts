import { defineProject } from 'vitest/config';

export default defineProject({
  // The end-to-end tests spawn training runs; files run one at a time so they do not compete for the 2 cores.
  test: {
    name: '@apdet/train',
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
