import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // why: the live tests share one MariaDB topology per file; files run in parallel on 2 cores.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
