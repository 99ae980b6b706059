import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { StorageBackend } from '@lithops/core/plugin';
import {
  describeStorageErrors,
  type FakeGcs,
  freePort,
  lithopsFailure,
  startFakeGcs,
} from '@lithops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import gcpStorage from '../src/index.js';
import { makeBackend, makeServiceAccount, type ServiceAccount } from './helpers.js';

const BUCKET = 'lithops-errors';

/** This fake checks service-account JWTs like GCS does: only `good`'s key is known to it. */
async function startWithKeys() {
  const good = makeServiceAccount();
  const bad = makeServiceAccount();
  const gcs = await startFakeGcs({ auth: { publicKeys: [good.publicKey] } });
  const withKey = (sa: ServiceAccount, section: Record<string, unknown> = {}) =>
    makeBackend(
      { storage_bucket: BUCKET, endpoint: gcs.endpoint, ...section },
      { credentials_path: 'key.json' },
      sa.dir,
    );
  return { gcs, good, bad, withKey };
}

describeStorageErrors('gcp_storage (fake GCS)', async () => {
  const { gcs, bad, good, withKey } = await startWithKeys();
  const ok = await withKey(good);
  await ok.createBucket(BUCKET);
  const wrong = await withKey(bad);
  const closed = `http://127.0.0.1:${await freePort()}`;
  const unreachable = await makeBackend({ storage_bucket: BUCKET, endpoint: closed, retries: 3 });
  const list = async () => {
    for await (const _ of unreachable.listObjects(BUCKET)) break;
  };
  return {
    storage: ok,
    bucket: BUCKET,
    badCredentials: {
      // The key body, and any bearer token made from it.
      secrets: [bad.privateKeyPem.split('\n')[1]!, 'Bearer ey'],
      calls: [
        () => wrong.headObject(BUCKET, 'hello.txt'),
        () => wrong.putObject(BUCKET, 'x', Buffer.from('x')),
      ],
    },
    unreachable: { endpoint: closed, calls: [() => unreachable.getObject(BUCKET, 'k'), list] },
    teardown: () => gcs.stop(),
  };
});

describe('gcp_storage credentials and config', () => {
  let keys: Awaited<ReturnType<typeof startWithKeys>>;
  let ok: StorageBackend;
  let gcs: FakeGcs;

  beforeAll(async () => {
    keys = await startWithKeys();
    gcs = keys.gcs;
    ok = await keys.withKey(keys.good);
    await ok.createBucket(BUCKET);
  });
  afterAll(() => gcs?.stop());

  it('authenticates with a service account key file (self-signed JWT) and takes the project from it', async () => {
    await ok.putObject(BUCKET, 'hello.txt', Buffer.from('hi'));
    expect(Buffer.from(await ok.getObject(BUCKET, 'hello.txt')).toString()).toBe('hi');
    expect(await ok.bucketExists(BUCKET)).toBe(true);
  });

  it('refuses a bad config before any call, without echoing the key file', async () => {
    const dir = keys.good.dir;
    expect(gcpStorage.configSchema.safeParse({}).success).toBe(false);
    expect(gcpStorage.configSchema.safeParse({ storage_bucket: 'b', part_size: 1000 }).success).toBe(false);
    expect(gcpStorage.configSchema.safeParse({ storage_bucket: 'b', endpoint: 'not a url' }).success).toBe(
      false,
    );
    const missing = await lithopsFailure(
      makeBackend({ storage_bucket: 'b' }, { credentials_path: 'nope.json' }, dir),
    );
    expect(missing.err.code).toBe('CONFIG_INVALID');
    expect(missing.err.message).toContain(join(dir, 'nope.json'));
    writeFileSync(join(dir, 'garbage.json'), 'secret-looking-content{');
    const garbage = await lithopsFailure(
      makeBackend({ storage_bucket: 'b' }, { credentials_path: 'garbage.json' }, dir),
    );
    expect(garbage.err.code).toBe('CONFIG_INVALID');
    expect(inspect(garbage.err, { depth: 12 })).not.toContain('secret-looking-content');
    const wrongType = await lithopsFailure(
      makeBackend({ storage_bucket: 'b' }, { credentials_path: 3 }, dir),
    );
    expect(wrongType.err.code).toBe('CONFIG_INVALID');
    expect(wrongType.err.message).toContain('gcp.credentials_path');
  });
});
