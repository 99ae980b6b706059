import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { LithopsError, type StorageBackend } from '@lithops/core/plugin';
import { type Azurite, startAzurite } from '@lithops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import azureStorage from '../src/index.js';
import { makeBackend } from './helpers.js';

const BUCKET = 'lithops-errors';
let az: Azurite;
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
  az = await startAzurite();
  ok = await makeBackend({
    storage_account_name: az.accountName,
    storage_account_key: az.accountKey,
    endpoint: az.blobEndpoint,
    storage_bucket: BUCKET,
  });
  await ok.createBucket(BUCKET);
}, 60_000);

afterAll(async () => {
  await az?.stop();
});

describe('azure_storage credentials and failures', () => {
  it('works with account name + key and an endpoint, as with a connection string', async () => {
    await ok.putObject(BUCKET, 'hello.txt', Buffer.from('hi'));
    expect(Buffer.from(await ok.getObject(BUCKET, 'hello.txt')).toString()).toBe('hi');
    expect(await ok.bucketExists(BUCKET)).toBe(true);
  });

  it('a wrong key gives ACCESS_DENIED quickly, with the key nowhere in the error', async () => {
    const wrongKey = randomBytes(64).toString('base64');
    const s = await makeBackend({
      connection_string: az.connectionString.replace(az.accountKey, wrongKey),
      storage_bucket: BUCKET,
    });
    const { err, ms } = await failure(s.headObject(BUCKET, 'hello.txt'));
    expect(err.code).toBe('ACCESS_DENIED');
    expect(err.message).toMatch(/^\[lithops\] \[azure_storage\] Access denied/);
    expect(ms).toBeLessThan(5_000);
    const printed = `${err.message}\n${inspect(err, { depth: 12 })}`;
    expect(printed).not.toContain(wrongKey);
    expect(printed).not.toContain(az.accountKey);
    expect((await failure(s.putObject(BUCKET, 'x', Buffer.from('x')))).err.code).toBe('ACCESS_DENIED');
  });

  it('an unreachable endpoint gives UNAVAILABLE within bounded time', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}/${az.accountName}`;
    const s = await makeBackend({
      storage_account_name: az.accountName,
      storage_account_key: az.accountKey,
      endpoint,
      storage_bucket: BUCKET,
      retries: 3,
    });
    const { err, ms } = await failure(s.getObject(BUCKET, 'k'));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(
      /^\[lithops\] \[azure_storage\] Storage endpoint at http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1 is unreachable/,
    );
    expect(err.cause).toBeDefined();
    expect(ms).toBeLessThan(10_000);
    expect((await failure(s.putObject(BUCKET, 'k', Buffer.from('x')))).err.code).toBe('UNAVAILABLE');
  });

  it('a missing container gives NOT_FOUND naming it, distinct from a missing blob', async () => {
    const missing = await failure(ok.headObject('lithops-no-such-container', 'k'));
    expect(missing.err.code).toBe('NOT_FOUND');
    expect(missing.err.message).toContain('Bucket "lithops-no-such-container" does not exist');
    const key = await failure(ok.getObject(BUCKET, 'no-such-key'));
    expect(key.err.code).toBe('NOT_FOUND');
    expect(key.err.message).toContain('Object "no-such-key" not found in bucket "lithops-errors"');
    await expect(ok.deleteObjects('lithops-no-such-container', ['k'])).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('refuses a bad config before any call, without echoing secrets', async () => {
    expect(azureStorage.configSchema.safeParse({}).success).toBe(false);
    expect(
      azureStorage.configSchema.safeParse({ storage_bucket: 'b', storage_acount_name: 'typo' }).success,
    ).toBe(false);
    const noAccount = await failure(makeBackend({ storage_bucket: 'b' }));
    expect(noAccount.err.code).toBe('CONFIG_INVALID');
    const badCs = await failure(
      makeBackend({ storage_bucket: 'b', connection_string: 'AccountKey=s3cr3t-value;nonsense' }),
    );
    expect(badCs.err.code).toBe('CONFIG_INVALID');
    expect(inspect(badCs.err, { depth: 12 })).not.toContain('s3cr3t-value');
  });
});
