import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import type { StorageBackend } from '@lithops/core/plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lithopsFailure } from './failures.js';

/** Calls that must fail, each on its own (a call may be building the backend, where that connects). */
export type FailingCalls = readonly (() => Promise<unknown>)[];

/** What a backend's error test gives the suite: one way to hit each failure, and a working backend. */
export interface StorageErrorsFixture {
  /** A working backend, and an existing bucket in it. */
  storage: StorageBackend;
  bucket: string;
  /** Calls with wrong credentials; `secrets` must appear nowhere in the error, cause chain included. */
  badCredentials: { calls: FailingCalls; secrets: readonly string[] };
  /** Calls to an endpoint nobody listens on; `endpoint` is how the message names it. */
  unreachable: { calls: FailingCalls; endpoint: string; messageContains?: readonly string[] };
  /** Stops servers and disposes backends. */
  teardown?: () => Promise<void>;
}

export interface StorageErrorsOptions {
  /** A denial is not retried: it must come within this. Default 5 s. */
  deniedWithinMs?: number;
  /** Retries to a closed port are bounded: UNAVAILABLE must come within this. Default 15 s. */
  unavailableWithinMs?: number;
}

/**
 * The error contract of issue 4: bad credentials, an unreachable endpoint and a missing bucket
 * each give a distinct, clear `LithopsError` within a bounded time, without secrets in it.
 */
export function describeStorageErrors(
  name: string,
  factory: () => Promise<StorageErrorsFixture>,
  options: StorageErrorsOptions = {},
): void {
  describe(`storage errors: ${name} are distinct, clear and bounded`, () => {
    let fx: StorageErrorsFixture;

    beforeAll(async () => {
      fx = await factory();
    }, 60_000);
    afterAll(async () => {
      await fx?.teardown?.();
    });

    it('bad credentials → ACCESS_DENIED quickly, without the secret in the message or the cause', async () => {
      for (const call of fx.badCredentials.calls) {
        const { err, ms } = await lithopsFailure(call);
        expect(err.code, err.message).toBe('ACCESS_DENIED');
        expect(err.message.startsWith(`[lithops] [${fx.storage.name}] Access denied (`), err.message).toBe(
          true,
        );
        expect(err.message).toContain('credentials');
        expect(err.cause).toBeDefined();
        expect(ms).toBeLessThan(options.deniedWithinMs ?? 5000);
        const printed = `${err.message}\n${inspect(err, { depth: 12 })}`;
        for (const secret of fx.badCredentials.secrets) expect(printed).not.toContain(secret);
      }
    });

    it('an unreachable endpoint → UNAVAILABLE after bounded retries, naming the endpoint', async () => {
      for (const call of fx.unreachable.calls) {
        const { err, ms } = await lithopsFailure(call);
        expect(err.code, err.message).toBe('UNAVAILABLE');
        const head = `[lithops] [${fx.storage.name}] Storage endpoint at ${fx.unreachable.endpoint} is unreachable`;
        expect(err.message.startsWith(head), err.message).toBe(true);
        for (const text of fx.unreachable.messageContains ?? []) expect(err.message).toContain(text);
        expect(err.cause).toBeDefined();
        expect(ms).toBeLessThan(options.unavailableWithinMs ?? 15_000);
      }
    });

    it('a missing bucket → NOT_FOUND naming it and the config key, distinct from a missing key', async () => {
      const s = fx.storage;
      const missing = `lithops-no-such-${randomBytes(4).toString('hex')}`;
      for (const call of [
        () => s.headObject(missing, 'k'),
        () => s.getObject(missing, 'k'),
        () => s.deleteObjects(missing, ['k']),
      ]) {
        const { err } = await lithopsFailure(call);
        expect(err.code, err.message).toBe('NOT_FOUND');
        expect(err.message).toContain(`Bucket "${missing}" does not exist`);
        expect(err.message).toContain(`${s.name}.storage_bucket`);
      }
      const { err } = await lithopsFailure(s.getObject(fx.bucket, 'no/such/key'));
      expect(err.code).toBe('NOT_FOUND');
      expect(err.message).toContain(`Object "no/such/key" not found in bucket "${fx.bucket}"`);
      // Deleting a bucket that is not there is not an error (clean-up may run twice).
      await s.deleteBucket(missing);
    });
  });
}
