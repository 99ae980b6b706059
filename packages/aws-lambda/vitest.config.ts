import { defineConfig } from 'vitest/config';
import { hangGuards } from '../../vitest.shared.js';

export default defineConfig({
  test: {
    ...hangGuards,
    // Each file starts s3rver, a fake Lambda and its sandboxes: one file at a time on 2 cores.
    maxWorkers: 1,
    fileParallelism: false,
  },
});
