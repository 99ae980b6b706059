import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { LithopsError, type StorageBackend } from '@lithops/core/plugin';
import { type FakeGcs, startFakeGcs } from '@lithops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import gcpStorage from '../src/index.js';
import { makeBackend, makeServiceAccount, type ServiceAccount } from './helpers.js';

const BUCKET = 'lithops-errors';
let gcs: FakeGcs;
let good: ServiceAccount;
let bad: ServiceAccount;
let ok: StorageBackend;

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function failure(p: Promise<unknown>): Promise<{ err: LithopsError; ms: number }> {
  const t0 = Date.now();
  try {
    await p;
  } catch (e) {
    expect(LithopsError.isInstance(e), String(e)).toBe(true);
    return { err: e as LithopsError, ms: Date.now() - t0 };
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  good = makeServiceAccount();
  bad = makeServiceAccount();
  // This fake checks service-account JWTs like GCS does: only `good`'s key is known to it.
  gcs = await startFakeGcs({ auth: { publicKeys: [good.publicKey] } });
  ok = await makeBackend(
    { storage_bucket: BUCKET, endpoint: gcs.endpoint },
    { credentials_path: 'key.json' },
    good.dir,
  );
  await ok.createBucket(BUCKET);
});

afterAll(async () => {
  await gcs?.stop();
});

describe('gcp_storage credentials and failures', () => {
  it('authenticates with a service account key file (self-signed JWT) and takes the project from it', async () => {
    await ok.putObject(BUCKET, 'hello.txt', Buffer.from('hi'));
    expect(Buffer.from(await ok.getObject(BUCKET, 'hello.txt')).toString()).toBe('hi');
    expect(await ok.bucketExists(BUCKET)).toBe(true);
  });

  it('bad credentials give ACCESS_DENIED quickly, with no secret in the message or the cause', async () => {
    const s = await makeBackend(
      { storage_bucket: BUCKET, endpoint: gcs.endpoint },
      { credentials_path: 'key.json' },
      bad.dir,
    );
    const { err, ms } = await failure(s.headObject(BUCKET, 'hello.txt'));
    expect(err.code).toBe('ACCESS_DENIED');
    expect(err.message).toMatch(/^\[lithops\] \[gcp_storage\] Access denied/);
    expect(err.message).toContain('credentials');
    expect(ms).toBeLessThan(5_000);
    const keyBody = bad.privateKeyPem.split('\n')[1]!;
    const printed = inspect(err, { depth: 12 });
    expect(printed).not.toContain(keyBody);
    expect(printed).not.toMatch(/Bearer ey/);
    // Writes are refused the same way.
    expect((await failure(s.putObject(BUCKET, 'x', Buffer.from('x')))).err.code).toBe('ACCESS_DENIED');
  });

  it('an unreachable endpoint gives UNAVAILABLE within bounded time', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const s = await makeBackend({ storage_bucket: BUCKET, endpoint, retries: 3 });
    const { err, ms } = await failure(s.getObject(BUCKET, 'k'));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(
      /^\[lithops\] \[gcp_storage\] Storage endpoint at http:\/\/127\.0\.0\.1:\d+ is unreachable/,
    );
    expect(err.cause).toBeDefined();
    expect(ms).toBeLessThan(10_000);
    const listed = await failure(
      (async () => {
        for await (const _ of s.listObjects(BUCKET)) break;
      })(),
    );
    expect(listed.err.code).toBe('UNAVAILABLE');
  });

  it('a missing bucket gives NOT_FOUND naming the bucket, distinct from a missing key', async () => {
    const missing = await failure(ok.headObject('lithops-no-such-bucket', 'k'));
    expect(missing.err.code).toBe('NOT_FOUND');
    expect(missing.err.message).toContain('Bucket "lithops-no-such-bucket" does not exist');
    const key = await failure(ok.getObject(BUCKET, 'no-such-key'));
    expect(key.err.code).toBe('NOT_FOUND');
    expect(key.err.message).toContain('Object "no-such-key" not found in bucket "lithops-errors"');
    await expect(ok.deleteObjects('lithops-no-such-bucket', ['k'])).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('refuses a bad config before any call', async () => {
    expect(gcpStorage.configSchema.safeParse({}).success).toBe(false);
    expect(gcpStorage.configSchema.safeParse({ storage_bucket: 'b', part_size: 1000 }).success).toBe(false);
    expect(gcpStorage.configSchema.safeParse({ storage_bucket: 'b', endpoint: 'not a url' }).success).toBe(
      false,
    );
    const missing = await failure(
      makeBackend({ storage_bucket: 'b' }, { credentials_path: 'nope.json' }, good.dir),
    );
    expect(missing.err.code).toBe('CONFIG_INVALID');
    expect(missing.err.message).toContain(join(good.dir, 'nope.json'));
    writeFileSync(join(good.dir, 'garbage.json'), 'secret-looking-content{');
    const garbage = await failure(
      makeBackend({ storage_bucket: 'b' }, { credentials_path: 'garbage.json' }, good.dir),
    );
    expect(garbage.err.code).toBe('CONFIG_INVALID');
    expect(inspect(garbage.err, { depth: 12 })).not.toContain('secret-looking-content');
    const wrongType = await failure(makeBackend({ storage_bucket: 'b' }, { credentials_path: 3 }, good.dir));
    expect(wrongType.err.code).toBe('CONFIG_INVALID');
    expect(wrongType.err.message).toContain('gcp.credentials_path');
  });
});
