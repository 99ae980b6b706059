import { randomBytes } from 'node:crypto';
import { LithopsError, type StorageBackend } from '@lithops/core/plugin';
import { describe, expect, it } from 'vitest';

/** Which environment variables turn a live test on. */
export interface LiveSwitch {
  /** Set to `1` to run, e.g. `LITHOPS_LIVE_AWS`. */
  flag: string;
  /** Must all be set, e.g. the bucket. */
  required?: readonly string[];
  /** At least one must be set, e.g. a connection string or an account name. */
  oneOf?: readonly string[];
}

/** Whether a live test may run, and the line that says how to run it when not. */
export function liveSwitch(name: string, sw: LiveSwitch): { live: boolean; skipLine: string } {
  const env = process.env;
  const live =
    env[sw.flag] === '1' &&
    (sw.required ?? []).every((v) => !!env[v]) &&
    (sw.oneOf === undefined || sw.oneOf.some((v) => !!env[v]));
  const needs = [`${sw.flag}=1`, ...(sw.required ?? [])];
  if (sw.oneOf) needs.push(sw.oneOf.join(' or '));
  return { live, skipLine: `[${name}] live test skipped: set ${needs.join(', ')} to run it` };
}

/**
 * A test against the real service, run only when its switch is on, and saying so when skipped
 * (DESIGN §7). Puts a small and a multipart-sized object, reads a byte past the first part,
 * heads, lists, deletes, and checks the object is gone. Objects go under a fresh prefix.
 */
export function describeLiveStorage(
  name: string,
  sw: LiveSwitch,
  factory: () => Promise<{ storage: StorageBackend; bucket: string; teardown?: () => Promise<void> }>,
  options: { bigBytes?: number; timeoutMs?: number } = {},
): void {
  const { live, skipLine } = liveSwitch(name, sw);
  if (!live) console.log(skipLine);
  describe.skipIf(!live)(`${name} on the real service`, () => {
    it(
      'puts (single and multipart), ranges, heads, lists and deletes',
      async () => {
        const { storage, bucket, teardown } = await factory();
        try {
          const prefix = `lithops-live-test/${randomBytes(6).toString('hex')}/`;
          const small = randomBytes(1000);
          const big = randomBytes(options.bigBytes ?? 9 * 2 ** 20);
          const at = big.length - 1000;
          await storage.putObject(bucket, `${prefix}small`, small);
          await storage.putObject(bucket, `${prefix}big`, big);
          const one = await storage.getObject(bucket, `${prefix}big`, { range: [at, at] });
          expect(Buffer.from(one).equals(big.subarray(at, at + 1))).toBe(true);
          expect((await storage.headObject(bucket, `${prefix}big`)).size).toBe(big.length);
          const listed: string[] = [];
          for await (const e of storage.listObjects(bucket, { prefix }))
            if (e.type === 'object') listed.push(e.key);
          expect(listed).toEqual([`${prefix}big`, `${prefix}small`]);
          await storage.deleteObjects(bucket, listed);
          await expect(storage.headObject(bucket, `${prefix}small`)).rejects.toSatisfy((e) =>
            LithopsError.is(e, 'NOT_FOUND'),
          );
        } finally {
          await teardown?.();
          await storage[Symbol.asyncDispose]();
        }
      },
      options.timeoutMs ?? 180_000,
    );
  });
}
