import { defineConfig } from 'vitest/config';
import { hangGuards } from '../../vitest.shared.js';

export default defineConfig({
  test: {
    ...hangGuards,
    // Each file starts its own worker pools; two at a time fit a 2-core machine.
    maxWorkers: 2,
  },
});
