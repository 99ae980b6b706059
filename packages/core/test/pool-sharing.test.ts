import { FunctionExecutor } from '@lithops/core';
import { describe, expect, it } from 'vitest';

const pidOf = (x: number): [number, number] => [x, process.pid];

describe('executors of one process share a localhost pool', () => {
  it('same settings: one pool; results, events and lifetimes stay per executor', async () => {
    const opts = { config: { localhost: { worker_processes: 1 } } };
    const a = new FunctionExecutor(opts);
    const b = new FunctionExecutor(opts);
    try {
      const [fa, fb] = await Promise.all([a.map(pidOf, [1, 2, 3]), b.map(pidOf, [10, 20, 30])]);
      const [ra, rb] = await Promise.all([
        a.getResult(fa, { showProgressbar: false }),
        b.getResult(fb, { showProgressbar: false }),
      ]);
      expect(ra.map((r) => r[0])).toEqual([1, 2, 3]);
      expect(rb.map((r) => r[0])).toEqual([10, 20, 30]);
      // One worker process served both executors.
      const pids = new Set([...ra, ...rb].map((r) => r[1]));
      expect(pids.size).toBe(1);
      // Each executor's futures are its own.
      expect(await a.getResult(undefined, { showProgressbar: false })).toEqual([]);
      await a.close();
      // The pool stays for the executor still open.
      const again = await b.getResult(await b.map(pidOf, [7]), { showProgressbar: false });
      expect(again).toEqual([[7, [...pids][0]]]);
    } finally {
      await a.close();
      await b.close();
    }
  }, 120_000);

  it('other settings: another pool', async () => {
    const a = new FunctionExecutor({ config: { localhost: { worker_processes: 1 } } });
    const c = new FunctionExecutor({ config: { localhost: { worker_processes: 2 } } });
    try {
      const [ra, rc] = await Promise.all([
        a.getResult(await a.map(pidOf, [1]), { showProgressbar: false }),
        c.getResult(await c.map(pidOf, [1, 2, 3, 4]), { showProgressbar: false }),
      ]);
      const pidA = ra[0]![1];
      expect(rc.every((r) => r[1] !== pidA)).toBe(true);
    } finally {
      await a.close();
      await c.close();
    }
  }, 120_000);
});
