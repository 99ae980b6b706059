import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionExecutor, FutureState } from '@lithops/core';
import { afterAll, describe, expect, it } from 'vitest';
import { newGate } from './fixtures/gates.js';
import * as jobs from './fixtures/jobs.js';

const storageDir = mkdtempSync(join(tmpdir(), 'lithops-pool-test-'));
const config = {
  lithops: { backend: 'localhost', storage: 'localhost' },
  localhost: { worker_processes: 2, storage_dir: storageDir },
};
// This file's pool makes its socket folder here (each test file runs in a process of its own).
const poolTmp = mkdtempSync(join(tmpdir(), 'lithops-pool-test-tmp-'));
process.env.TMPDIR = poolTmp;
const poolsDir = join(poolTmp, `lithops-${process.getuid!()}`, 'pools');
const poolDirs = () =>
  new Set(existsSync(poolsDir) ? readdirSync(poolsDir).filter((d) => d.startsWith('pool-')) : []);

describe('localhost pool', () => {
  const before = poolDirs();
  const fexec = new FunctionExecutor({ config });
  afterAll(() => fexec.close());

  it('shows a long call as running while it runs, even a synchronous loop', async () => {
    // The loop ends only when the gate opens, so the call cannot be over before it is seen running.
    const g = newGate();
    const [f] = await fexec.map(jobs.spinGate, [g.file]);
    while (f!.state !== 'Running' && !f!.done) await new Promise((r) => setTimeout(r, 10));
    expect(f!.state).toBe('Running');
    expect(f!.stats.worker_start_tstamp).toBeGreaterThan(0);
    g.open();
    expect(await fexec.getResult(f!)).toBe(g.file);
  });

  it('decodes tiny results on arrival and keeps larger ones encoded until asked', async () => {
    const fs = await fexec.map(jobs.echo, [7, 'x'.repeat(100)]);
    await fexec.wait(fs);
    expect(fs[0]!.job.state[0]).toBe(FutureState.Ready);
    expect(fs[0]!.job.encoded(0)).toBeUndefined();
    expect(fs[1]!.job.encoded(1)).toBeInstanceOf(Uint8Array);
    expect(await fexec.getResult(fs)).toEqual([7, 'x'.repeat(100)]);
  });

  it('runs calls with different heap limits side by side, each in its own thread', async () => {
    const [small, big] = await Promise.all([
      fexec.map(jobs.hog, [1, 1], { runtimeMemory: 96 }),
      fexec.map(jobs.hog, [2, 2], { runtimeMemory: 256 }),
    ]);
    expect(await fexec.getResult([...small!, ...big!])).toEqual([16, 16, 32, 32]);
  });

  it('listens on a private socket folder, removed on close', async () => {
    await fexec.getResult(await fexec.callAsync(jobs.double, 1));
    const mine = [...poolDirs()].filter((d) => !before.has(d));
    expect(mine).toHaveLength(1);
    expect(statSync(join(poolsDir, mine[0]!)).mode & 0o777).toBe(0o700);
    await fexec.close();
    expect(poolDirs().has(mine[0]!)).toBe(false);
  });
});

describe('clean() with many jobs', () => {
  it('removes every job folder of this executor in one listing, and nothing of another executor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lithops-clean-test-'));
    const cfg = {
      ...config,
      localhost: { worker_processes: 1, storage_dir: dir, max_inline_result_bytes: 1024 },
    };
    const other = new FunctionExecutor({ config: cfg });
    const mine = new FunctionExecutor({ config: cfg });
    try {
      // Results over the inline limit (1 KiB here) are stored in each job folder.
      const big = 4096;
      await other.getResult(await other.callAsync(jobs.bytes, big));
      const fs = [];
      for (let i = 0; i < 12; i++) fs.push(await mine.callAsync(jobs.bytes, big));
      await mine.getResult(fs);
      const keysOf = async (fexec: FunctionExecutor) => {
        const storage = await fexec.getStorage();
        const keys: string[] = [];
        for await (const k of storage.listKeys(storage.bucket, {
          prefix: `lithops.jobs/${fexec.executorId}-`,
        }))
          keys.push(k);
        return keys;
      };
      expect(await keysOf(mine)).toHaveLength(12);
      await mine.clean();
      expect(await keysOf(mine)).toHaveLength(0);
      expect(await keysOf(other)).toHaveLength(1);
    } finally {
      await mine.close();
      await other.close();
    }
  });
});
