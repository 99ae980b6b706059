import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describeStorageErrors, freePort, lithopsFailure, startAzurite } from '@lithops/testkit';
import { describe, expect, it } from 'vitest';
import azureStorage from '../src/index.js';
import { makeBackend } from './helpers.js';

const BUCKET = 'lithops-errors';

describeStorageErrors('azure_storage (azurite)', async () => {
  const az = await startAzurite();
  const account = { storage_account_name: az.accountName, storage_account_key: az.accountKey };
  // Name + key and an endpoint here; a connection string for the wrong key below: both ways work.
  const ok = await makeBackend({ ...account, endpoint: az.blobEndpoint, storage_bucket: BUCKET });
  await ok.createBucket(BUCKET);
  const wrongKey = randomBytes(64).toString('base64');
  const wrong = await makeBackend({
    connection_string: az.connectionString.replace(az.accountKey, wrongKey),
    storage_bucket: BUCKET,
  });
  const closed = `http://127.0.0.1:${await freePort()}/${az.accountName}`;
  const unreachable = await makeBackend({ ...account, endpoint: closed, storage_bucket: BUCKET, retries: 3 });
  return {
    storage: ok,
    bucket: BUCKET,
    badCredentials: {
      secrets: [wrongKey, az.accountKey],
      calls: [
        () => wrong.headObject(BUCKET, 'hello.txt'),
        () => wrong.putObject(BUCKET, 'x', Buffer.from('x')),
      ],
    },
    unreachable: {
      endpoint: closed,
      calls: [
        () => unreachable.getObject(BUCKET, 'k'),
        () => unreachable.putObject(BUCKET, 'k', Buffer.from('x')),
      ],
    },
    teardown: () => az.stop(),
  };
});

describe('azure_storage config', () => {
  it('refuses a bad config before any call, without echoing secrets', async () => {
    expect(azureStorage.configSchema.safeParse({}).success).toBe(false);
    expect(
      azureStorage.configSchema.safeParse({ storage_bucket: 'b', storage_acount_name: 'typo' }).success,
    ).toBe(false);
    const noAccount = await lithopsFailure(makeBackend({ storage_bucket: 'b' }));
    expect(noAccount.err.code).toBe('CONFIG_INVALID');
    const badCs = await lithopsFailure(
      makeBackend({ storage_bucket: 'b', connection_string: 'AccountKey=s3cr3t-value;nonsense' }),
    );
    expect(badCs.err.code).toBe('CONFIG_INVALID');
    expect(inspect(badCs.err, { depth: 12 })).not.toContain('s3cr3t-value');
  });
});
