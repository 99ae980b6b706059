import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionExecutor, type ObjectChunk, objects } from '@lithops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newGate } from './fixtures/gates.js';
import * as jobs from './fixtures/jobs.js';

const storageDir = mkdtempSync(join(tmpdir(), 'lithops-data-mr-'));
const fexec = new FunctionExecutor({
  config: {
    lithops: { backend: 'localhost', storage: 'localhost' },
    localhost: { worker_processes: 2, storage_dir: storageDir },
  },
});
afterAll(() => fexec.close());
const quiet = { showProgressbar: false };

/** Sleeps `ms` (the input), then returns it; throws for negative inputs. Self-contained. */
const sleepy = async (ms: number, ctx: { id: number }) => {
  await new Promise((r) => setTimeout(r, Math.abs(ms)));
  if (ms < 0) throw new RangeError(`boom in call ${ctx.id}`);
  return ms;
};
const total = (rs: number[]) => rs.reduce((a, b) => a + b, 0);

beforeAll(async () => {
  const storage = await fexec.getStorage();
  for (let i = 0; i < 5; i++)
    await storage.putObject(
      'storage',
      `five/${i}.txt`,
      Array.from({ length: 30 * (i + 1) }, (_, j) => `w${j}\n`).join(''),
    );
});

describe('mapReduce', () => {
  it('passes binary map results to the reducer as bytes, early or late', async () => {
    const bytesOf = (n: number) => new Uint8Array(n).fill(n);
    const lengths = (parts: Uint8Array[]) => parts.map((p) => (p instanceof Uint8Array ? p.length : -1));
    for (const spawnReducer of [0, 100]) {
      const f = await fexec.mapReduce(bytesOf, [3, 5, 7], lengths, { spawnReducer });
      expect(await fexec.getResult(f, quiet)).toEqual([3, 5, 7]);
    }
  });

  it('spawnReducer 100: the reducer starts after every map call is done', async () => {
    const f = await fexec.mapReduce(sleepy, [50, 60, 70, 80], total, { spawnReducer: 100 });
    expect(f.mapFutures.every((m) => m.done)).toBe(true);
    expect(await fexec.getResult(f, quiet)).toBe(260);
    const lastMapEnd = Math.max(...f.mapFutures.map((m) => m.stats.worker_func_end_tstamp!));
    expect(f.stats.worker_func_start_tstamp!).toBeGreaterThanOrEqual(lastMapEnd);
  });

  it('spawnReducer 0: the reducer is started early and waits for the rest inside its invocation', async () => {
    const g = newGate();
    const f = await fexec.mapReduce(
      jobs.gate,
      [{ value: 50 }, { value: 50 }, { value: 2500, file: g.file }],
      total,
      { spawnReducer: 0 },
    );
    // mapReduce resolved with the last call still running (it ends when the gate opens): the
    // reducer was already invoked.
    expect(f.mapFutures[2]!.done).toBe(false);
    // The reducer is submitted while that call still cannot end.
    while (f.stats.host_submit_tstamp === undefined) await new Promise((r) => setTimeout(r, 10));
    expect(f.mapFutures[2]!.done).toBe(false);
    g.open();
    expect(await fexec.getResult(f, quiet)).toBe(2600);
    const lastMapEnd = Math.max(...f.mapFutures.map((m) => m.stats.worker_func_end_tstamp!));
    expect(f.stats.host_submit_tstamp!).toBeLessThan(lastMapEnd);
    // The reducer learned the long call's result from its status in storage.
    const storage = await fexec.getStorage();
    const keys: string[] = [];
    for await (const k of storage.listKeys('storage', { prefix: `lithops.jobs/${f.mapFutures[2]!.jobKey}/` }))
      keys.push(k);
    expect(keys).toContain(`lithops.jobs/${f.mapFutures[2]!.jobKey}/00002/status.json`);
  });

  it('a failing map call fails the reducer with that call’s error, waiting or not', async () => {
    for (const spawnReducer of [0, 100]) {
      const f = await fexec.mapReduce(sleepy, [50, 50, 50, -800], total, { spawnReducer });
      const err = await fexec.getResult(f, { ...quiet, timeout: 30 }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(RangeError);
      expect((err as Error).message).toBe('boom in call 3');
      expect(f.mapFutures[3]!.error).toBe(true);
    }
  });

  it('passes extraArgs to the map and extraArgsReduce to the reducer', async () => {
    const f = await fexec.mapReduce(
      (x: number, ctx) => x * (ctx.extraArgs as number),
      [1, 2, 3],
      (rs: number[], ctx) => `${ctx.extraArgs}:${rs.join(',')}`,
      { extraArgs: 10, extraArgsReduce: 'sum', chunksize: 2 },
    );
    expect(await fexec.getResult(f, quiet)).toBe('sum:10,20,30');
  });

  it('a waiting reducer never starves the maps it waits for: 2 workers, objReduceByKey over 5 objects', async () => {
    const fs = await fexec.mapReduce(
      async (c: ObjectChunk) => {
        await new Promise((r) => setTimeout(r, 150));
        let n = 0;
        for await (const _ of c.lines()) n++;
        return n;
      },
      objects('storage/five/'),
      (counts: number[]) => counts.reduce((a, b) => a + b, 0),
      { objChunkNumber: 3, objReduceByKey: true, spawnReducer: 0 },
    );
    expect(await fexec.getResult(fs, { ...quiet, timeout: 60 })).toEqual([30, 60, 90, 120, 150]);
    expect(fs.mapFutures).toHaveLength(15);
  });

  it('refuses objReduceByKey over plain data and a bad spawnReducer', async () => {
    await expect(fexec.mapReduce(sleepy, [1, 2], total, { objReduceByKey: true })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('objReduceByKey needs data'),
    });
    await expect(fexec.mapReduce(sleepy, [1], total, { spawnReducer: 120 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
