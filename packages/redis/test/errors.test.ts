import { LithopsError, Storage } from '@lithops/core';
import { ensureRedis, freePort, type RedisHandle } from '@lithops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBackend } from './make.js';

const PASSWORD = 'the-right-password-1234';

async function failure(p: Promise<unknown>): Promise<LithopsError> {
  try {
    await p;
  } catch (e) {
    if (LithopsError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('redis errors are distinct, clear and bounded', () => {
  let secured: RedisHandle;
  let open: RedisHandle;

  beforeAll(async () => {
    open = await ensureRedis();
    secured = await ensureRedis({ password: PASSWORD }); // always our own server, with requirepass
  });
  afterAll(async () => {
    await secured?.stop();
    await open?.stop();
  });

  it('a wrong or missing password → ACCESS_DENIED, without the password in the message', async () => {
    for (const password of ['not-the-password-5678', undefined]) {
      const started = Date.now();
      const e = await failure(
        makeBackend({ host: secured.host, port: secured.port, ...(password ? { password } : {}) }),
      );
      expect(e.code, e.message).toBe('ACCESS_DENIED');
      expect(e.message).toContain(
        `[lithops] [redis] Access denied (createBucket on bucket "storage" at ${secured.host}:${secured.port})`,
      );
      expect(e.message).not.toContain('not-the-password');
      expect(e.cause).toBeDefined();
      expect(Date.now() - started).toBeLessThan(5000);
    }
    const ok = await makeBackend({ host: secured.host, port: secured.port, password: PASSWORD });
    expect(await ok.bucketExists('storage')).toBe(true);
    await ok[Symbol.asyncDispose]();
  });

  it('unreachable server → UNAVAILABLE after bounded retries', async () => {
    const port = await freePort();
    const started = Date.now();
    const e = await failure(makeBackend({ host: '127.0.0.1', port, retries: 2, connect_timeout: 1 }));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toContain(`[lithops] [redis] Storage endpoint at 127.0.0.1:${port} is unreachable`);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('missing bucket → NOT_FOUND naming it; a missing key in it → NOT_FOUND naming the key', async () => {
    const backend = await makeBackend({ host: open.host, port: open.port });
    for (const call of [
      () => backend.getObject('nope-bucket', 'k'),
      () => backend.putObject('nope-bucket', 'k', Buffer.from('x')),
      () => backend.deleteObjects('nope-bucket', ['k']),
    ]) {
      const e = await failure(call());
      expect(e.code).toBe('NOT_FOUND');
      expect(e.message).toContain('Bucket "nope-bucket" does not exist');
    }
    const e = await failure(backend.getObject('storage', 'no/such/key'));
    expect(e.message).toContain('Object "no/such/key" not found in bucket "storage"');
    await backend.deleteBucket('storage');
    await backend[Symbol.asyncDispose]();
  });

  it('is loaded by name from config through Storage.fromConfig', async () => {
    await using storage = await Storage.fromConfig({
      config: {
        lithops: { storage: 'redis' },
        redis: { host: open.host, port: open.port, key_prefix: 'lithops-test-facade' },
      },
    });
    expect(storage.backendName).toBe('redis');
    const co = await storage.putCloudObject('through the facade');
    expect(Buffer.from(await storage.getCloudObject(co)).toString()).toBe('through the facade');
    await storage.deleteBucket(storage.bucket);
  });
});
