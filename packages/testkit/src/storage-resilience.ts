import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { StorageBackend } from '@lithops/core/plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosProxy, type ChaosProxyOptions, startChaosProxy } from './chaos-proxy.js';
import { readAll, sha256 } from './failures.js';
import { pool } from './pool.js';
import { type StorageOutageFixture, storageOutageTests } from './storage-outage.js';

/** What a backend's chaos test gives the suite; the suite starts the proxies in front of `target`. */
export interface StorageResilienceFixture extends StorageOutageFixture {
  /** A backend whose connections all go through `proxy` (its retries, and breaker, set to ride out the chaos). */
  throughProxy(proxy: ChaosProxy): Promise<StorageBackend>;
  /** A backend with a direct connection, to check what was written. */
  direct: StorageBackend;
  /** Stops the service and disposes `direct`. */
  teardown?: () => Promise<void>;
}

export interface StorageResilienceOptions {
  /** How the proxy of the round-trip test misbehaves. Default: reset every 5th connection, cut every 2nd after 150 kB, delay 5 ms. */
  chaos?: Omit<ChaosProxyOptions, 'target'>;
  /** Size of the one large (multipart) object of the round trip, next to 18 of 0 B to ~1 MiB. Default 12 MiB. */
  largeBodyBytes?: number;
  /** Bytes after which every connection of the mid-stream test is cut. Default 1 MiB. */
  streamCutAfterBytes?: number;
  /** Per-test timeout, a guard against hangs. Default 600 s. */
  timeoutMs?: number;
}

const MiB = 2 ** 20;
const SMALL_SIZES = [0, 10, 100_000, 256 * 1024, 256 * 1024 + 1, 3 * 256 * 1024 + 7];

/**
 * The resilience suite (DESIGN §7, issue 4): traffic through testkit's chaos proxy, which resets,
 * cuts and delays connections, swallows them, or goes away. Every object written is read back intact (whole, ranged, streamed),
 * nothing is lost from listings, and a streamed read cut mid-body resumes to the exact bytes.
 * Each check also asserts that the proxy really broke connections, so a calm network cannot pass it.
 */
export function describeStorageResilience(
  name: string,
  factory: () => Promise<StorageResilienceFixture>,
  options: StorageResilienceOptions = {},
): void {
  const timeout = options.timeoutMs ?? 600_000;
  const sizes = [...SMALL_SIZES, ...SMALL_SIZES, ...SMALL_SIZES, options.largeBodyBytes ?? 12 * MiB];
  describe(`storage resilience: ${name}`, () => {
    let fx: StorageResilienceFixture;
    let proxy: ChaosProxy;
    let flaky: StorageBackend;
    const run = `chaos-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const bodies = sizes.map((n) => randomBytes(n));
    const key = (i: number) => `${run}/obj/${i}`;

    beforeAll(async () => {
      fx = await factory();
      proxy = await startChaosProxy({
        target: fx.target,
        ...(options.chaos ?? { dropEvery: 5, cutEvery: 2, cutAfterBytes: 150_000, delayMs: 5 }),
      });
      flaky = await fx.throughProxy(proxy);
    }, timeout);

    afterAll(async () => {
      await flaky?.[Symbol.asyncDispose]();
      await proxy?.stop();
      await fx?.teardown?.();
    }, timeout);

    describe('when the server hangs or goes away', () => storageOutageTests(() => fx));

    describe('over connections that drop, cut and delay', () => {
      it(
        'writes every object intact (single and multipart, bytes and streams)',
        async () => {
          await pool(bodies, 8, async (b, i) => {
            // Bytes can be sent again as they are; a stream only part by part, which is what is tested.
            const body = i % 2 ? b : Readable.from([b.subarray(0, 5000), b.subarray(5000)]);
            await flaky.putObject(fx.bucket, key(i), body);
          });
          expect(proxy.stats.dropped + proxy.stats.cut, 'connections broken by the proxy').toBeGreaterThan(0);
          for (const [i, b] of bodies.entries()) {
            expect(sha256(await fx.direct.getObject(fx.bucket, key(i))), `object ${i} (${b.length} B)`).toBe(
              sha256(b),
            );
          }
        },
        timeout,
      );

      it(
        'reads every object back intact through the same connections: whole, ranged and streamed',
        async () => {
          const before = proxy.stats.dropped + proxy.stats.cut;
          for (const [i, b] of bodies.entries()) {
            expect(sha256(await flaky.getObject(fx.bucket, key(i))), `read ${i}`).toBe(sha256(b));
            if (b.length > 20) {
              const part = await flaky.getObject(fx.bucket, key(i), { range: [5, b.length - 2] });
              expect(sha256(part), `range of ${i}`).toBe(sha256(b.subarray(5, b.length - 1)));
            }
            const streamed = await readAll(await flaky.getObjectStream(fx.bucket, key(i)));
            expect(sha256(streamed), `stream ${i}`).toBe(sha256(b));
          }
          expect(proxy.stats.dropped + proxy.stats.cut, 'connections broken by the proxy').toBeGreaterThan(
            before,
          );
        },
        timeout,
      );

      it(
        'lists every object written, once',
        async () => {
          const listed: string[] = [];
          for await (const e of flaky.listObjects(fx.bucket, { prefix: `${run}/obj/` }))
            if (e.type === 'object') listed.push(e.key);
          expect(listed.sort()).toEqual(bodies.map((_, i) => key(i)).sort());
        },
        timeout,
      );

      it(
        'streams a 20 MiB object through connections cut mid-body: the bytes equal the original',
        async () => {
          const big = randomBytes(20 * MiB);
          await fx.direct.putObject(fx.bucket, `${run}/big`, big);
          // Every connection is cut after this many bytes: only resuming from the last byte received
          // can finish the read.
          const cutter = await startChaosProxy({
            target: fx.target,
            cutEvery: 1,
            cutAfterBytes: options.streamCutAfterBytes ?? MiB,
          });
          const reader = await fx.throughProxy(cutter);
          try {
            const streamed = await readAll(await reader.getObjectStream(fx.bucket, `${run}/big`));
            expect(streamed.length).toBe(big.length);
            expect(sha256(streamed)).toBe(sha256(big));
            const tail = await readAll(
              await reader.getObjectStream(fx.bucket, `${run}/big`, { range: [MiB + 3, 20 * MiB - 2] }),
            );
            expect(sha256(tail), 'ranged stream').toBe(sha256(big.subarray(MiB + 3, 20 * MiB - 1)));
            expect(cutter.stats.cut, 'connections cut mid-body').toBeGreaterThanOrEqual(2);
          } finally {
            await reader[Symbol.asyncDispose]();
            await cutter.stop();
          }
        },
        timeout,
      );
    });
  });
}
