import { defineConfig } from 'vitest/config';
import { hangGuards } from '../../vitest.shared.js';

export default defineConfig({
  test: {
    ...hangGuards,
    // The executor test starts a pool of worker processes; two files at a time fit 2 cores.
    maxWorkers: 2,
  },
});
