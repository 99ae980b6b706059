import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file starts its own worker pools; two at a time fit a 2-core machine.
    maxWorkers: 2,
  },
});
