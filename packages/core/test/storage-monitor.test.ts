import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionExecutor, LithopsError } from '@lithops/core';
import { describe, expect, it } from 'vitest';
import * as jobs from './fixtures/jobs.js';

const backend = new URL('./fixtures/spawn-backend.mjs', import.meta.url).pathname;

function executor(extra: Record<string, unknown> = {}) {
  const storageDir = mkdtempSync(join(tmpdir(), 'lithops-monitor-test-'));
  return new FunctionExecutor({
    config: {
      lithops: { backend, storage: 'localhost', monitoring_interval: 0.1 },
      localhost: { storage_dir: storageDir },
      spawn_test: extra,
    },
  });
}

describe('a third-party backend monitored through storage', () => {
  it('runs calls in separate processes and collects results from status objects', async () => {
    const fexec = executor();
    try {
      const fs = await fexec.map(jobs.greet, ['x', 'y', 'z'], {
        chunksize: 2,
        timeout: 10,
        extraArgs: { punct: '?' },
      });
      expect(await fexec.getResult(fs)).toEqual(['hello x? #0', 'hello y? #1', 'hello z? #2']);
      const err = await fexec.getResult(await fexec.map(jobs.failOn3, [3], { timeout: 10 })).catch((e) => e);
      expect(err.message).toBe('bad input 3');
      expect(err.stack, err.stack).toMatch(/fixtures\/jobs\.ts:\d+/);
    } finally {
      await fexec.close();
    }
  });

  it('caps the default timeout to the backend limit; an explicit one over it fails before invoking', async () => {
    const fexec = executor();
    try {
      // execution_timeout (1800 s) × chunksize 2 is over this backend's 900 s: capped, not refused.
      const fs = await fexec.map(jobs.double, [1, 2], { chunksize: 2 });
      expect(await fexec.getResult(fs)).toEqual([2, 4]);
      const err = await fexec.map(jobs.double, [1, 2], { chunksize: 2, timeout: 600 }).catch((e) => e);
      expect(LithopsError.is(err, 'INVALID_ARGUMENT')).toBe(true);
      expect(err.message).toContain('exceeds the spawn_test limit of 900 s');
    } finally {
      await fexec.close();
    }
  });

  it('fails a call whose worker vanished after starting with WORKER_LOST, not a hang', async () => {
    const fexec = executor({ kill_call: '00001' });
    try {
      // The timeout guards a hang (a loaded machine may take seconds to start a call); the
      // killed call is lost timeout + 10 s after it started.
      const fs = await fexec.map(jobs.double, [1, 2, 3], { timeout: 5 });
      const out = await fexec.getResult(fs, { throwExcept: false, timeout: 60 });
      expect(out[0]).toBe(2);
      expect(out[2]).toBe(6);
      expect(LithopsError.is(out[1], 'WORKER_LOST')).toBe(true);
    } finally {
      await fexec.close();
    }
  }, 90_000);
});
