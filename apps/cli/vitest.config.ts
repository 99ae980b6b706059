import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Every test starts a real `lithops` process with its own worker pool.
    testTimeout: 60_000,
    maxWorkers: 1,
  },
});
