import {
  type ComputeBackend,
  type ComputeBackendDefinition,
  createStorageBackend,
  FunctionExecutor,
  LithopsError,
  loadConfig,
  type RuntimeSpec,
  type StorageBackend,
} from '@lithops/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as jobs from './compute-suite-jobs.js';
import { until } from './until.js';

/** Controls of the platform under test (a fake's, or what a live cloud offers). */
export interface ComputePlatform {
  /** The next `n` invoke requests are refused with throttling (HTTP 429). */
  throttleNext(n: number): void;
  /** Invoke requests the platform received (each one's JSON payload, refused ones too), in order. */
  invokePayloads(): string[];
  /** Create/update-code requests received: deploys that did real work. */
  deployRequests(): number;
  /**
   * Invocations the platform ran, each one's JSON payload with its start and end as positions in
   * one order of events (times or sequence numbers), in start order; `ended` is unset while it runs.
   */
  runs(): readonly PlatformRun[];
  /** Drops faults injected and not used yet (throttling); called after each case. */
  reset(): void;
  /** Names of the deployed functions (or services) that exist now. */
  deployments(): Promise<string[]>;
  /** Kills the sandboxes running an invocation now (a crash mid-call); returns how many. */
  killBusy(): number;
}

export interface PlatformRun {
  payload: string;
  started: number;
  ended?: number;
}

export interface ComputeBackendFixture {
  /** The whole config (compute + storage sections) the executor runs with. */
  config: Record<string, unknown>;
  definition: ComputeBackendDefinition<unknown>;
  platform: ComputePlatform;
  teardown?: () => Promise<void>;
}

export interface ComputeSuiteOptions {
  /** Per-test timeout of the slow tests (a guard against hangs). Default 600 s. */
  slowTimeoutMs?: number;
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** Whether an invocation's JSON payload belongs to the executor (every payload names it). */
function ofExecutor(payload: string, executorId: string): boolean {
  return (JSON.parse(payload) as { executorId?: string }).executorId === executorId;
}

/** Most of the executor's invocations that ran at once. */
function mostAtOnce(runs: readonly PlatformRun[], executorId: string): number {
  const edges = runs
    .filter((r) => ofExecutor(r.payload, executorId))
    .flatMap((r) => [
      { at: r.started, d: 1 },
      { at: r.ended ?? Number.POSITIVE_INFINITY, d: -1 },
    ])
    // An end at the same position as a start comes first: those two did not overlap.
    .sort((a, b) => a.at - b.at || a.d - b.d);
  let now = 0;
  let most = 0;
  for (const e of edges) {
    now += e.d;
    most = Math.max(most, now);
  }
  return most;
}

/**
 * Seconds a call of the suite may take before it counts as hung: it guards a hang, it does not
 * measure speed, so it holds on a slow, busy machine. Invocations of 5 calls need 5× this.
 */
const HANG_SEC = 180;

/**
 * The compute conformance suite every serverless backend runs (ours and third parties'):
 * deploys, 1,000 calls, remote errors, timeouts, memory limits, throttling, large payloads,
 * concurrency caps, the remote invoker, lost workers, runtime list/delete and clean(). The
 * backend's runtime timeout must allow 900 s (invocations of 5 calls of up to 180 s each).
 *
 * Cases are isolated: the executors a case opened are closed after it (so a failed case's job stops
 * sending invocations), injected faults are dropped, and each case counts only its own executor's
 * invocations, so one failed case never fails the next.
 */
export function describeComputeBackend(
  name: string,
  factory: () => Promise<ComputeBackendFixture>,
  opts: ComputeSuiteOptions = {},
): void {
  const slow = opts.slowTimeoutMs ?? 600_000;
  describe(`compute backend conformance: ${name}`, () => {
    let fx: ComputeBackendFixture;
    /** Executors opened by the running case. */
    const open: FunctionExecutor[] = [];
    const executor = (extra: Record<string, unknown> = {}) => {
      const f = new FunctionExecutor({ config: structuredClone(fx.config), ...extra });
      open.push(f);
      return f;
    };
    const invokesOf = (f: FunctionExecutor) =>
      fx.platform.invokePayloads().filter((p) => ofExecutor(p, f.executorId));
    /** The backend as the executor creates it, for the runtime API. */
    const backend = async (): Promise<{ compute: ComputeBackend; storage: StorageBackend }> => {
      const cfg = loadConfig({ config: structuredClone(fx.config) });
      const storage = await createStorageBackend(cfg);
      const def = fx.definition;
      const quiet = () => {};
      const compute = await def.create(def.configSchema.parse(cfg.raw[def.name]), {
        config: cfg.raw,
        configDir: cfg.dir,
        log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
        storage,
      });
      return { compute, storage };
    };
    const spec = (memoryMb = 0): RuntimeSpec => ({ name: 'default', memoryMb, timeoutSec: 60 });

    beforeAll(async () => {
      fx = await factory();
    }, slow);
    afterEach(async () => {
      for (const f of open.splice(0)) await f.close().catch(() => {});
      fx?.platform.reset();
    }, slow);
    afterAll(async () => {
      await fx?.teardown?.();
    }, slow);

    it(
      'deploys a runtime once: the same key again, from a new client too, without redeploying',
      async () => {
        const a = await backend();
        const before = fx.platform.deployRequests();
        const r1 = await a.compute.deployRuntime(spec());
        const r2 = await a.compute.deployRuntime(spec());
        expect(r2.key).toBe(r1.key);
        expect(fx.platform.deployRequests() - before).toBeLessThanOrEqual(1);
        const b = await backend();
        const after = fx.platform.deployRequests();
        expect((await b.compute.deployRuntime(spec())).key).toBe(r1.key);
        expect(fx.platform.deployRequests()).toBe(after);
        expect((await a.compute.listRuntimes()).map((r) => r.key)).toContain(r1.key);
        for (const x of [a, b]) {
          await x.compute[Symbol.asyncDispose]();
          await x.storage[Symbol.asyncDispose]();
        }
      },
      slow,
    );

    it(
      'runs 1,000 calls and returns every result in order',
      async () => {
        const fexec = executor({ max_workers: 20 });
        const input = Array.from({ length: 1000 }, (_, i) => i);
        const fs = await fexec.map(jobs.double, input, { timeout: HANG_SEC, chunksize: 5 });
        expect(await fexec.getResult(fs, { showProgressbar: false })).toEqual(input.map((i) => i * 2));
        // 200 invocations through a window of 20.
        expect(mostAtOnce(fx.platform.runs(), fexec.executorId)).toBeLessThanOrEqual(20);
      },
      slow,
    );

    it(
      "rebuilds a call's error with its remote stack and its output",
      async () => {
        const fexec = executor();
        const err = (await caught(
          fexec.getResult(await fexec.map(jobs.printThenThrow, ['boom'], { timeout: HANG_SEC }), {
            showProgressbar: false,
          }),
        )) as Error;
        expect(err.name).toBe('RangeError');
        expect(err.message).toContain('boom');
        expect(err.stack).toMatch(/compute-suite-jobs\.(ts|js):\d+/);
        expect(String(err.message) + String((err as { output?: string }).output ?? err.stack)).toContain(
          'about to fail: boom',
        );
      },
      slow,
    );

    it(
      'ends a call over its timeout with TIMEOUT, and the sandbox serves the next call',
      async () => {
        const fexec = executor();
        const fs = await fexec.map(jobs.sleepThenEcho, [{ ms: 10_000, v: 1 }], { timeout: 1 });
        const [out] = await fexec.getResult(fs, { throwExcept: false, showProgressbar: false });
        expect(LithopsError.is(out, 'TIMEOUT')).toBe(true);
        const again = await fexec.map(jobs.double, [21], { timeout: HANG_SEC });
        expect(await fexec.getResult(again, { showProgressbar: false })).toEqual([42]);
      },
      slow,
    );

    it(
      'ends a call over its memory with OUT_OF_MEMORY',
      async () => {
        const fexec = executor();
        const fs = await fexec.map(jobs.hog, [0], { timeout: HANG_SEC, runtimeMemory: 128 });
        const [out] = await fexec.getResult(fs, { throwExcept: false, showProgressbar: false });
        expect(LithopsError.is(out, 'OUT_OF_MEMORY'), String(out)).toBe(true);
      },
      slow,
    );

    it(
      'leaves a job running with throttling not used, as a failed case would (the next cases must not see them)',
      async () => {
        // Closed after this case with no grace: its calls keep running on the platform meanwhile.
        const fexec = executor({ max_workers: 4, closeGraceSec: 0 });
        const fs = await fexec.map(
          jobs.sleepThenEcho,
          Array.from({ length: 4 }, (_, v) => ({ ms: 90_000, v })),
          { timeout: HANG_SEC },
        );
        await until(
          () =>
            fx.platform.runs().filter((r) => r.ended === undefined && ofExecutor(r.payload, fexec.executorId))
              .length === fs.length,
        );
        fx.platform.throttleNext(3);
      },
      slow,
    );

    it(
      'recovers from throttling: refused invocations are sent again',
      async () => {
        const fexec = executor();
        fx.platform.throttleNext(6);
        const fs = await fexec.map(jobs.double, [1, 2, 3, 4, 5], { timeout: HANG_SEC });
        expect(await fexec.getResult(fs, { showProgressbar: false })).toEqual([2, 4, 6, 8, 10]);
        expect(invokesOf(fexec)).toHaveLength(11);
      },
      slow,
    );

    it(
      'passes a payload over the limit through storage',
      async () => {
        const fexec = executor();
        const big = 'x'.repeat(400 * 1024);
        const fs = await fexec.map(jobs.envLength, ['BIG_VALUE'], {
          timeout: HANG_SEC,
          extraEnv: { BIG_VALUE: big },
        });
        expect(await fexec.getResult(fs, { showProgressbar: false })).toEqual([big.length]);
        const payloads = invokesOf(fexec);
        expect(payloads).toHaveLength(1);
        expect(payloads[0]!.length).toBeLessThan(8 * 1024);
        expect(JSON.parse(payloads[0]!).payloadKey).toMatch(/payloads\//);
      },
      slow,
    );

    it(
      'keeps at most max_workers invocations running',
      async () => {
        const fexec = executor({ max_workers: 3 });
        const fs = await fexec.map(
          jobs.sleepThenEcho,
          Array.from({ length: 12 }, (_, v) => ({ ms: 400, v })),
          { timeout: HANG_SEC },
        );
        expect(await fexec.getResult(fs, { showProgressbar: false })).toEqual(
          Array.from({ length: 12 }, (_, v) => v),
        );
        const most = mostAtOnce(fx.platform.runs(), fexec.executorId);
        expect(most).toBeLessThanOrEqual(3);
        expect(most).toBeGreaterThanOrEqual(2);
      },
      slow,
    );

    it(
      'fans a job out from inside the cloud with the remote invoker: one client request',
      async () => {
        const fexec = executor({ remote_invoker: true });
        const input = Array.from({ length: 40 }, (_, i) => i);
        const fs = await fexec.map(jobs.double, input, { timeout: HANG_SEC, chunksize: 2 });
        expect(await fexec.getResult(fs, { showProgressbar: false })).toEqual(input.map((i) => i * 2));
        const payloads = invokesOf(fexec);
        // The client's one request, then the 20 invocations the remote invoker sent.
        expect(payloads).toHaveLength(21);
        expect(JSON.parse(payloads[0]!).remoteInvoker).toBeDefined();
        expect(payloads.slice(1).every((p) => JSON.parse(p).remoteInvoker === undefined)).toBe(true);
      },
      slow,
    );

    it(
      'fails a call whose sandbox died mid-call with WORKER_LOST, not a hang',
      async () => {
        const fexec = executor();
        // The kill must come before the call's own timeout (TIMEOUT); WORKER_LOST comes after it.
        const fs = await fexec.map(jobs.sleepThenEcho, [{ ms: 60_000, v: 1 }], { timeout: 10 });
        await until(() => fs[0]!.state === 'Running');
        expect(fx.platform.killBusy()).toBeGreaterThanOrEqual(1);
        const [out] = await fexec.getResult(fs, { throwExcept: false, showProgressbar: false, timeout: 90 });
        expect(LithopsError.is(out, 'WORKER_LOST'), String(out)).toBe(true);
      },
      slow,
    );

    it(
      'lists and deletes runtimes',
      async () => {
        const { compute, storage } = await backend();
        const r = await compute.deployRuntime(spec());
        expect((await compute.listRuntimes()).some((x) => x.key === r.key)).toBe(true);
        await compute.deleteRuntime(r.key);
        expect((await compute.listRuntimes()).some((x) => x.key === r.key)).toBe(false);
        expect(LithopsError.is(await caught(compute.deleteRuntime(r.key)), 'NOT_FOUND')).toBe(true);
        // Deploying again recreates it (the cached metadata is not trusted blindly).
        const again = await compute.deployRuntime(spec());
        expect(again.key).toBe(r.key);
        expect((await compute.listRuntimes()).some((x) => x.key === r.key)).toBe(true);
        await compute[Symbol.asyncDispose]();
        await storage[Symbol.asyncDispose]();
      },
      slow,
    );

    it(
      'clean() deletes every function and runtime record it created',
      async () => {
        const { compute, storage } = await backend();
        await compute.deployRuntime(spec());
        expect((await fx.platform.deployments()).length).toBeGreaterThan(0);
        await compute.clean();
        expect(await fx.platform.deployments()).toEqual([]);
        expect(await compute.listRuntimes()).toEqual([]);
        const left: string[] = [];
        for await (const e of storage.listObjects(storage.bucket, { prefix: 'lithops.runtimes/' })) {
          if (e.type === 'object') left.push(e.key);
        }
        expect(left).toEqual([]);
        await compute[Symbol.asyncDispose]();
        await storage[Symbol.asyncDispose]();
      },
      slow,
    );
  });
}
