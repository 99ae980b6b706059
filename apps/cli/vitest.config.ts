import { defineConfig } from 'vitest/config';
import { hangGuards } from '../../vitest.shared.js';

export default defineConfig({
  test: {
    ...hangGuards,
    // Every test starts a real `lithops` process with its own worker pool.
    maxWorkers: 1,
  },
});
