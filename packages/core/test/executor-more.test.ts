import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionExecutor, LithopsError } from '@lithops/core';
import { afterAll, describe, expect, it } from 'vitest';
import { shipFunction } from '../src/ship/prepare.js';
import { bundleCacheDir } from '../src/util/paths.js';
import { Progress } from '../src/util/progress.js';
import { newGate } from './fixtures/gates.js';
import * as jobs from './fixtures/jobs.js';

const storageDir = mkdtempSync(join(tmpdir(), 'lithops-exec-more-'));
const fexec = new FunctionExecutor({
  config: { localhost: { worker_processes: 2, storage_dir: storageDir } },
});
afterAll(() => fexec.close());

describe('executor details', () => {
  it('bundles dependencies, or keeps excludeModules external', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'lithops-bundles-'));
    const full = await shipFunction(jobs.yamlRoundTrip, { cacheDir });
    const lean = await shipFunction(jobs.yamlRoundTrip, { cacheDir, excludeModules: ['yaml'] });
    const leanText = Buffer.from(lean.code).toString();
    expect(leanText).toMatch(/from\s*["']yaml["']|import\(["']yaml["']\)/);
    expect(full.code.length).toBeGreaterThan(lean.code.length * 5);
    // Both run: the excluded package resolves from the project's node_modules.
    expect(
      await fexec.getResult(await fexec.map(jobs.yamlRoundTrip, ['a: 1'], { excludeModules: ['yaml'] })),
    ).toEqual([{ a: 1 }]);
    expect(await fexec.getResult(await fexec.map(jobs.yamlRoundTrip, ['b: [1, 2]']))).toEqual([
      { b: [1, 2] },
    ]);
    expect(bundleCacheDir()).toContain('node_modules');
  });

  it('keeps ctx.log lines and console output with the call', async () => {
    const [f] = await fexec.map(jobs.logsAndReturns, [5]);
    expect(await f!.result()).toBe(5);
    expect(f!.output).toContain('[info] working on 5');
    expect(f!.output).toContain('plain console output');
  });

  it('getResult with a timeout throws TIMEOUT; wait with a timeout returns what is done', async () => {
    const g = newGate();
    const fs = await fexec.map(jobs.gate, [{}, { file: g.file }]);
    await fexec.wait([fs[0]!]);
    const waited = await fexec.wait(fs, { timeout: 0.5 });
    expect(waited.done.map((f) => f.callId)).toEqual(['00000']);
    expect(waited.notDone.map((f) => f.callId)).toEqual(['00001']);
    const err = await fexec.getResult(fs, { timeout: 0.2 }).catch((e) => e);
    expect(LithopsError.is(err, 'TIMEOUT')).toBe(true);
    expect(err.message).toContain('1 of 2 calls');
    g.open();
  });

  it('wait rejects when its signal aborts', async () => {
    const g = newGate();
    const fs = await fexec.map(jobs.gate, [{ file: g.file }]);
    const ac = new AbortController();
    const waiting = fexec.wait(fs, { signal: ac.signal });
    ac.abort(new Error('stop waiting'));
    await expect(waiting).rejects.toThrow('stop waiting');
    expect(fs[0]!.done).toBe(false);
    g.open();
  });

  it('await using disposes the executor', async () => {
    let inner: FunctionExecutor | undefined;
    {
      await using ex = new FunctionExecutor({
        config: { localhost: { worker_processes: 1, storage_dir: storageDir } },
      });
      inner = ex;
      expect(await ex.getResult(await ex.callAsync(jobs.double, 1))).toBe(2);
    }
    await expect(inner!.map(jobs.double, [1])).rejects.toThrow(/closed/);
  });
});

describe('progress', () => {
  function sink(isTTY: boolean) {
    const out: string[] = [];
    const stream = { isTTY, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream;
    return { out, stream };
  }

  it('redraws a bar in place on a TTY', () => {
    const { out, stream } = sink(true);
    const p = new Progress(10, stream, 0);
    p.start();
    p.update(5, true);
    p.finish(10);
    expect(out.join('')).toContain('\r[lithops] [###############---------------] 5/10 (50%)');
    expect(out.at(-1)).toBe('\n');
  });

  it('prints a plain line now and then elsewhere, and nothing for a short wait', () => {
    const quiet = sink(false);
    const q = new Progress(10, quiet.stream, 10_000);
    q.start();
    q.update(3);
    q.finish(10);
    expect(quiet.out).toEqual([]);
    const { out, stream } = sink(false);
    const p = new Progress(10, stream, 0);
    p.update(4, true);
    p.finish(10);
    expect(out).toEqual(['[lithops] 4/10 calls done\n', '[lithops] 10/10 calls done\n']);
  });
});
