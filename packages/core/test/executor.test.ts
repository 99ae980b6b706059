import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ALWAYS,
  ANY_COMPLETED,
  FunctionExecutor,
  LithopsError,
  LocalhostExecutor,
  ResponseFuture,
} from '@lithops/core';
import { afterAll, describe, expect, it } from 'vitest';
import { newGate } from './fixtures/gates.js';
import * as jobs from './fixtures/jobs.js';

const storageDir = mkdtempSync(join(tmpdir(), 'lithops-exec-test-'));
const config = {
  lithops: { backend: 'localhost', storage: 'localhost' },
  localhost: { worker_processes: 2, storage_dir: storageDir },
};
const fexec = new FunctionExecutor({ config });
afterAll(() => fexec.close());

describe('map on localhost', () => {
  it('returns 1,000 results in order', async () => {
    const input = Array.from({ length: 1000 }, (_, i) => i);
    const fs = await fexec.map(jobs.double, input);
    expect(fs).toHaveLength(1000);
    const out = await fexec.getResult(fs);
    expect(out).toEqual(input.map((x) => x * 2));
    expect(fs.every((f) => f.state === 'Success')).toBe(true);
  });

  it('groups calls with chunksize and keeps order', async () => {
    const fs = await fexec.map(jobs.greet, ['a', 'b', 'c', 'd', 'e'], {
      chunksize: 2,
      extraArgs: { punct: '!' },
    });
    expect(await fexec.getResult(fs)).toEqual([
      'hello a! #0',
      'hello b! #1',
      'hello c! #2',
      'hello d! #3',
      'hello e! #4',
    ]);
    // Calls of one invocation run on one worker.
    expect(fs[0]!.stats.worker_id).toBe(fs[1]!.stats.worker_id);
  });

  it('delivers extraArgs as ctx.extraArgs, never merged into an array input', async () => {
    const r = (
      await fexec.getResult(await fexec.map(jobs.describeInput, [[1, 2]], { extraArgs: { k: 1 } }))
    )[0]!;
    expect(r).toEqual({ isArray: true, extra: { k: 1 } });
  });

  it('accepts generators, Sets and async iterables as iterdata', async () => {
    function* gen() {
      yield 1;
      yield 2;
    }
    async function* agen() {
      yield 3;
      yield 4;
    }
    expect(await fexec.getResult(await fexec.map(jobs.double, gen()))).toEqual([2, 4]);
    expect(await fexec.getResult(await fexec.map(jobs.double, new Set([5, 6])))).toEqual([10, 12]);
    expect(await fexec.getResult(await fexec.map(jobs.double, agen()))).toEqual([6, 8]);
  });

  it('round-trips Map, Set, Date, BigInt, typed arrays and cycles', async () => {
    const cyclic: { self?: unknown; n: number } = { n: 1 };
    cyclic.self = cyclic;
    const value = {
      m: new Map<unknown, unknown>([
        [1, 'a'],
        ['k', { z: 2 }],
      ]),
      s: new Set([1, 2]),
      d: new Date(86_400_000),
      big: 2n ** 80n,
      u8: new Uint8Array([1, 2, 3]),
      f64: new Float64Array([1.5, -2]),
      re: /a+b/gi,
      cyclic,
    };
    const out = (await fexec.getResult(await fexec.map(jobs.echo, [value])))[0]!;
    expect(out.m).toBeInstanceOf(Map);
    expect(out.m.get('k')).toEqual({ z: 2 });
    expect(out.s).toEqual(new Set([1, 2]));
    expect(out.d.getTime()).toBe(86_400_000);
    expect(out.big).toBe(2n ** 80n);
    expect([...out.u8]).toEqual([1, 2, 3]);
    expect(out.f64).toBeInstanceOf(Float64Array);
    expect(out.re.source).toBe('a+b');
    expect(out.re.flags).toBe('gi');
    expect(out.cyclic.self).toBe(out.cyclic);
  });

  it('runs a self-contained inline function by source', async () => {
    const fs = await fexec.map((x: number) => ({ sq: x * x, pi: Math.PI > 3 }), [3]);
    expect(await fexec.getResult(fs)).toEqual([{ sq: 9, pi: true }]);
  });

  it('refuses a closure before anything runs, naming the captured variable', async () => {
    const factor = 3;
    const err = await fexec.map((x: number) => x * factor, [1]).catch((e) => e);
    expect(LithopsError.is(err, 'CLOSURE')).toBe(true);
    expect(err.message).toContain('"factor"');
    expect(err.message).toMatch(/extraArgs/);
  });

  it('refuses an unencodable argument at map() with the path of the bad value', async () => {
    const err = await fexec.map(jobs.echo, [{ ok: 1 }, { ok: 2, conn: { onData: () => 1 } }]).catch((e) => e);
    expect(LithopsError.is(err, 'UNSERIALIZABLE')).toBe(true);
    expect(err.message).toContain(
      'iterdata[1].conn.onData is a function (onData), which cannot be sent to a worker',
    );
  });

  it('fails a call whose result cannot be sent back with UNSERIALIZABLE naming the path', async () => {
    const err = await fexec.getResult(await fexec.map(jobs.returnsFunction, [1])).catch((e) => e);
    expect(LithopsError.is(err, 'UNSERIALIZABLE')).toBe(true);
    expect(err.message).toMatch(
      /result\.f is a function( \(f\))?, which cannot be sent back from the worker/,
    );
  });

  it('rebuilds remote errors with name, message, remote stack, code and cause', async () => {
    const fs = await fexec.map(jobs.failOn3, [1, 2, 3, 4]);
    const err = await fexec.getResult(fs).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('Error');
    expect(err.message).toBe('bad input 3');
    expect(err.code).toBe('E_VALIDATION');
    expect(err.cause).toBeInstanceOf(RangeError);
    expect(err.cause.message).toBe('inner cause');
    // The remote stack is source-mapped to the fixture's TypeScript file.
    expect(err.stack).toMatch(/fixtures\/jobs\.ts:\d+/);
    expect(err.callId).toBe('00002');
  });

  it('returns errors in place with throwExcept: false', async () => {
    const fs = await fexec.map(jobs.failOn3, [1, 3]);
    const out = await fexec.getResult(fs, { throwExcept: false });
    expect(out[0]).toBe(1);
    expect(out[1]).toBeInstanceOf(Error);
    expect((out[1] as Error).message).toBe('bad input 3');
    expect(fs[1]!.error).toBe(true);
  });

  it('keeps what a failed call printed and shows it with the error', async () => {
    const fs = await fexec.map(jobs.printAndFail, [7]);
    const err = await fexec.getResult(fs).catch((e) => e);
    expect(err.output).toContain('about to fail on 7');
    expect(err.stack).toContain('about to fail on 7');
  });

  it('fails a call over its timeout with TIMEOUT, even a synchronous loop, and goes on', async () => {
    const fs = await fexec.map(jobs.spin, [30, 0.01], { timeout: 1 });
    const out = await fexec.getResult(fs, { throwExcept: false });
    expect(LithopsError.is(out[0], 'TIMEOUT')).toBe(true);
    expect(out[1]).toBe(0.01);
    // The worker survived: a new call runs.
    expect(await fexec.getResult(await fexec.callAsync(jobs.double, 21))).toBe(42);
  });

  it('fails a call over its memory with OUT_OF_MEMORY', async () => {
    const fs = await fexec.map(jobs.hog, [2000, 1], { runtimeMemory: 64 });
    const out = await fexec.getResult(fs, { throwExcept: false });
    expect(LithopsError.is(out[0], 'OUT_OF_MEMORY')).toBe(true);
    expect((out[0] as Error).message).toContain('64 MB');
    expect(out[1]).toBe(16);
  });

  it('fails a call whose worker process is killed with WORKER_DIED, and replaces the worker', async () => {
    const fs = await fexec.map(jobs.killSelf, [0, 1, 2, 3]);
    const out = await fexec.getResult(fs, { throwExcept: false });
    expect(LithopsError.is(out[1], 'WORKER_DIED')).toBe(true);
    expect((out[1] as Error).message).toContain('SIGKILL');
    expect([out[0], out[2], out[3]]).toEqual([0, 2, 3]);
  });

  it('runs the calls left of an invocation whose process died with their own inputs', async () => {
    const fs = await fexec.map(jobs.killSelf, [0, 1, 2, 3], { chunksize: 4 });
    const out = await fexec.getResult(fs, { throwExcept: false });
    expect(LithopsError.is(out[1], 'WORKER_DIED')).toBe(true);
    expect([out[0], out[2], out[3]]).toEqual([0, 2, 3]);
  });

  it('applies extraEnv per call and restores it after', async () => {
    const withEnv = await fexec.map(jobs.readEnv, ['LITHOPS_TEST_VAR'], {
      extraEnv: { LITHOPS_TEST_VAR: 'set' },
    });
    expect(await fexec.getResult(withEnv)).toEqual(['set']);
    const after = await fexec.map(jobs.readEnv, ['LITHOPS_TEST_VAR', 'LITHOPS_TEST_VAR'], { chunksize: 2 });
    expect(await fexec.getResult(after)).toEqual([undefined, undefined]);
  });

  it('chains: futures as iterdata are resolved to their results', async () => {
    const first = await fexec.map(jobs.double, [1, 2, 3]);
    const second = await fexec.map(jobs.double, first);
    expect(await fexec.getResult(second)).toEqual([4, 8, 12]);
  });

  it('carries large results through storage', async () => {
    const fs = await fexec.map(jobs.bytes, [3 * 2 ** 20]);
    const out = (await fexec.getResult(fs))[0]!;
    expect(out).toHaveLength(3 * 2 ** 20);
    expect(out[12345]).toBe(7);
  });

  it('wait() honours returnWhen ALWAYS, ANY_COMPLETED and a percentage', async () => {
    // Call 0 ends at once, call 1 when gate a opens, calls 2 and 3 when gate b opens.
    const [a, b] = [newGate(), newGate()];
    const fs = await fexec.map(jobs.gate, [{}, { file: a.file }, { file: b.file }, { file: b.file }]);
    const always = await fexec.wait(fs, { returnWhen: ALWAYS });
    expect(always.done.length + always.notDone.length).toBe(4);
    const any = await fexec.wait(fs, { returnWhen: ANY_COMPLETED });
    expect(any.done.map((f) => f.callId)).toEqual(['00000']);
    expect(any.notDone).toHaveLength(3);
    a.open();
    const half = await fexec.wait(fs, { returnWhen: 50 });
    expect(half.done.map((f) => f.callId)).toEqual(['00000', '00001']);
    expect(half.notDone).toHaveLength(2);
    b.open();
    const all = await fexec.wait(fs);
    expect(all.done).toHaveLength(4);
    expect(all.notDone).toHaveLength(0);
  });

  it('getResult() with no futures returns those not collected yet, in order', async () => {
    const local = new LocalhostExecutor({
      config: { localhost: { worker_processes: 1, storage_dir: storageDir } },
    });
    try {
      await local.map(jobs.double, [1, 2]);
      await local.map(jobs.double, [3]);
      expect(await local.getResult()).toEqual([2, 4, 6]);
      expect(await local.getResult()).toEqual([]);
      await local.map(jobs.double, [10]);
      expect(await local.getResult()).toEqual([20]);
    } finally {
      await local.close();
    }
  });

  it('asCompleted() yields every future once, as it completes', async () => {
    // Call 0 can only end after call 1 was yielded: the gate opens then.
    const g = newGate();
    const fs = await fexec.map(jobs.gate, [{ file: g.file }, {}]);
    const seen: string[] = [];
    for await (const f of fexec.asCompleted(fs)) {
      seen.push(f.callId);
      expect(f.done).toBe(true);
      g.open();
    }
    expect(seen).toEqual(['00001', '00000']);
  });

  it('an AbortSignal cancels calls that have not started', async () => {
    const one = new FunctionExecutor({
      config: { localhost: { worker_processes: 1, storage_dir: storageDir } },
    });
    try {
      const ac = new AbortController();
      const g = newGate();
      const fs = await one.map(jobs.gate, Array(5).fill({ file: g.file }), { signal: ac.signal });
      while (!fs[0]!.running) await new Promise((r) => setTimeout(r, 5));
      ac.abort();
      g.open();
      const out = await one.getResult(fs, { throwExcept: false });
      const aborted = out.filter((r) => LithopsError.is(r, 'ABORTED'));
      expect(aborted.length).toBeGreaterThanOrEqual(2);
      expect(out[0]).toBe('00000');
    } finally {
      await one.close();
    }
  });

  it('ResponseFuture.result() and timings', async () => {
    const f = await fexec.callAsync(jobs.double, 5);
    expect(f).toBeInstanceOf(ResponseFuture);
    expect(await f.result()).toBe(10);
    const s = f.stats;
    expect(s.host_submit_tstamp).toBeGreaterThan(0);
    expect(s.worker_func_start_tstamp!).toBeGreaterThanOrEqual(s.worker_start_tstamp!);
    expect(s.host_status_done_tstamp!).toBeGreaterThanOrEqual(s.worker_func_end_tstamp!);
    expect(s.worker_id).toMatch(/^localhost-/);
  });

  it('rejects bad options clearly', async () => {
    await expect(fexec.map(jobs.double, [1], { chunksize: 0 })).rejects.toThrow(
      /chunksize must be a positive integer/,
    );
    await expect(fexec.map(jobs.double, 5 as never)).rejects.toThrow(/iterdata must be an iterable/);
    await expect(fexec.map('nope' as never, [1])).rejects.toThrow(/Expected a function/);
  });
});

describe('configuration', () => {
  it('names the file, key path and a suggestion for a wrong key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lithops-cfg-'));
    const file = join(dir, 'lithops.yaml');
    writeFileSync(file, 'lithops:\n  backnd: localhost\n  execution_timeout: soon\n');
    let err: unknown;
    try {
      new FunctionExecutor({ configFile: file });
    } catch (e) {
      err = e;
    }
    expect(LithopsError.is(err, 'CONFIG_INVALID')).toBe(true);
    const msg = (err as Error).message;
    expect(msg).toContain(file);
    expect(msg).toContain('lithops.backnd');
    expect(msg).toContain('did you mean "backend"');
    expect(msg).toContain('lithops.execution_timeout');
  });

  it('reports invalid YAML with its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lithops-cfg-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'lithops:\n  backend: [unclosed\n');
    expect(() => new FunctionExecutor({ configFile: file })).toThrow(/bad\.yaml:\d+:\d+ is not valid YAML/);
  });

  it('validates the backend section', async () => {
    const ex = new FunctionExecutor({ config: { localhost: { worker_procs: 2 } } });
    const err = await ex.map(jobs.double, [1]).catch((e) => e);
    expect(LithopsError.is(err, 'CONFIG_INVALID')).toBe(true);
    expect(err.message).toContain('localhost.worker_procs');
    expect(err.message).toContain('did you mean "worker_processes"');
    await ex.close();
  });
});
