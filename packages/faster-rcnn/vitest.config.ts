import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: '@apdet/faster-rcnn', include: ['test/**/*.test.ts'], testTimeout: 120_000 },
});
