import { setTimeout as sleep } from 'node:timers/promises';
import { FunctionExecutor, LithopsError, Storage } from '@lithops/core';
import { expect, it } from 'vitest';
import { type ChaosProxy, startChaosProxy } from './chaos-proxy.js';

/** What the outage tests need: a service, and the config of a storage that reaches it through a proxy. */
export interface StorageOutageFixture {
  /** The service (emulator or server) the proxies forward to. */
  target: { host: string; port: number };
  /** An existing bucket. */
  bucket: string;
  /**
   * A Lithops config (`lithops.storage` and its section) whose storage goes through `proxy`, with
   * the backend's default timeouts, retries and breaker.
   */
  configThrough(proxy: ChaosProxy): Record<string, unknown>;
}

/**
 * The documented bound on one storage call against a server that accepts connections and never
 * answers, with the default settings: (retries + 1) × the per-attempt timeout + backoff ≤ 30 s.
 */
const DEFAULT_BOUND_MS = 30_000;
/** Slack on the bound for a loaded machine: the point is that it is not 120 s. */
const SLACK = 1.5;

function unavailable(e: unknown, backend: string, proxy: ChaosProxy): void {
  expect(LithopsError.isInstance(e), `a LithopsError, got ${String(e)}`).toBe(true);
  const err = e as LithopsError;
  expect(err.code, err.message).toBe('UNAVAILABLE');
  // A call that failed on its storage is reported by the compute backend, quoting the storage error.
  expect(err.backend === backend || err.message.includes(`[${backend}]`), err.message).toBe(true);
  expect(err.message).toContain(`127.0.0.1:${proxy.port}`);
}

async function timed(fn: () => Promise<unknown>): Promise<{ ms: number; value: unknown }> {
  const t0 = Date.now();
  const value = await fn().catch((e: unknown) => e);
  return { ms: Date.now() - t0, value };
}

/** Registers the outage tests in the current `describe`; `fixture()` is read when they run. */
export function storageOutageTests(fixture: () => StorageOutageFixture): void {
  const backendOf = (config: Record<string, unknown>) => (config.lithops as { storage: string }).storage;

  it(
    'a server that accepts connections and never answers: UNAVAILABLE naming the backend and endpoint within the bound',
    async () => {
      const fx = fixture();
      const hole = await startChaosProxy({ target: fx.target, blackHole: true });
      const config = fx.configThrough(hole);
      let storage: Storage | undefined;
      let closeMs = 0;
      try {
        const first = await timed(async () => {
          storage = await Storage.fromConfig({ config });
          return storage.headObject(fx.bucket, 'never/answered');
        });
        unavailable(first.value, backendOf(config), hole);
        expect(first.ms, 'first call (timeouts and retries)').toBeLessThan(DEFAULT_BOUND_MS * SLACK);
        expect(hole.stats.swallowed, 'connections swallowed').toBeGreaterThan(0);
        if (storage) {
          // The breaker is open now: the next calls fail at once, with the same error.
          const calls: (() => Promise<unknown>)[] = [
            () => storage!.getObject(fx.bucket, 'never/answered'),
            () => storage!.putObject(fx.bucket, 'never/written', new Uint8Array(10)),
          ];
          for (const call of calls) {
            const next = await timed(call);
            unavailable(next.value, backendOf(config), hole);
            expect(next.ms, 'a call while the breaker is open').toBeLessThan(first.ms / 3);
          }
        }
      } finally {
        closeMs = (await timed(async () => storage?.close())).ms;
        await hole.stop();
      }
      expect(closeMs, 'close()').toBeLessThan(5000);
    },
    DEFAULT_BOUND_MS * SLACK * 2,
  );

  it(
    'storage that goes away mid-job: a 30-call job ends soon (errors UNAVAILABLE), close() stays fast, and calls succeed once it is back',
    async () => {
      const fx = fixture();
      let proxy = await startChaosProxy({ target: fx.target });
      const port = proxy.port;
      const config = fx.configThrough(proxy);
      const localhost = { ...config, lithops: { ...(config.lithops as object), backend: 'localhost' } };
      try {
        const fexec = new FunctionExecutor({ config: localhost });
        let closeMs = 0;
        try {
          const futures = await fexec.map(
            (x: number) => new Promise<number>((r) => setTimeout(() => r(x * 2), 500)),
            Array.from({ length: 30 }, (_, i) => i),
          );
          // The job's data is stored: the storage goes away while its calls run.
          await proxy.stop();
          const ending = await timed(() => fexec.wait(futures, { throwExcept: false }));
          expect(ending.ms, 'the rest of the job').toBeLessThan(DEFAULT_BOUND_MS * SLACK);
          const results = await fexec.getResult(futures, { throwExcept: false });
          expect(results.length).toBe(30);
          for (const r of results) if (r instanceof Error) unavailable(r, backendOf(config), proxy);
        } finally {
          // Cleaning the job's data meets the dead storage.
          closeMs = (await timed(() => fexec.close())).ms;
        }
        expect(closeMs, 'close() with the storage down').toBeLessThan(5000);

        // Storage back on the same port: a job retried as a retrying caller would (failing at once
        // while a breaker cools down, then its probe gets through) succeeds.
        proxy = await startChaosProxy({ target: fx.target, port });
        const back = Date.now();
        const again = new FunctionExecutor({ config: localhost });
        try {
          for (;;) {
            try {
              const fs = await again.map((x: number) => x + 1, [1, 2, 3]);
              expect(await again.getResult(fs)).toEqual([2, 3, 4]);
              break;
            } catch (e) {
              unavailable(e, backendOf(config), proxy);
              await sleep(250); // a retrying caller's backoff
            }
          }
        } finally {
          await again.close();
        }
        expect(Date.now() - back, 'storage usable again after it came back').toBeLessThan(
          DEFAULT_BOUND_MS * SLACK * 2,
        );
      } finally {
        await proxy.stop();
      }
    },
    DEFAULT_BOUND_MS * SLACK * 5,
  );
}
