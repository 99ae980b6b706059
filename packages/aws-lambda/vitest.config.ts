import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each file starts s3rver, a fake Lambda and its sandboxes: one file at a time on 2 cores.
    maxWorkers: 1,
    fileParallelism: false,
  },
});
