import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The executor test starts a pool of worker processes; two files at a time fit 2 cores.
    maxWorkers: 2,
  },
});
