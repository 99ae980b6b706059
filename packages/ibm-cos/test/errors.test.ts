import { Storage } from '@lithops/core';
import {
  describeStorageErrors,
  describeStorageLoading,
  freePort,
  lithopsFailure,
  startS3rver,
} from '@lithops/testkit';
import { describe, expect, it } from 'vitest';
import { makeBackend } from './make.js';

const SECRET = 'not-the-s3rver-secret-0123456789';

describeStorageErrors('ibm_cos on s3rver', async () => {
  const s3 = await startS3rver({ buckets: ['errors'] });
  const keys = { access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey };
  const closed = `http://127.0.0.1:${await freePort()}`;
  const wrong = await makeBackend({
    storage_bucket: 'errors',
    endpoint: s3.endpoint,
    access_key_id: 'WRONGKEY',
    secret_access_key: SECRET,
  });
  const unreachable = await makeBackend({
    storage_bucket: 'errors',
    endpoint: closed,
    retries: 3,
    connect_timeout: 1,
    ...keys,
  });
  return {
    storage: await makeBackend({ storage_bucket: 'errors', endpoint: s3.endpoint, ...keys }),
    bucket: 'errors',
    badCredentials: {
      secrets: [SECRET],
      calls: [() => wrong.putObject('errors', 'k', Buffer.from('x')), () => wrong.headObject('errors', 'k')],
    },
    unreachable: { endpoint: closed, calls: [() => unreachable.getObject('errors', 'k')] },
    teardown: () => s3.stop(),
  };
});

describeStorageLoading(
  'ibm_cos',
  async () => {
    const s3 = await startS3rver({ buckets: ['loader'] });
    return {
      config: {
        lithops: { storage: 'ibm_cos' },
        ibm_cos: {
          storage_bucket: 'loader',
          endpoint: s3.endpoint,
          access_key_id: s3.accessKeyId,
          secret_access_key: s3.secretAccessKey,
        },
      },
      clientMethod: 'getObject',
      teardown: () => s3.stop(),
    };
  },
  { section: { storage_bucket: 'b', regoin: 'us-east' }, wrongKey: 'regoin', rightKey: 'region' },
);

describe('ibm_cos config checks', () => {
  const load = (ibm_cos: Record<string, unknown>) =>
    lithopsFailure(Storage.fromConfig({ config: { lithops: { storage: 'ibm_cos' }, ibm_cos } }));

  it('HMAC keys go together → CONFIG_INVALID', async () => {
    const { err } = await load({ storage_bucket: 'b', region: 'us-east', access_key_id: 'k' });
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain('go together');
  });

  it('neither region nor endpoint → CONFIG_INVALID saying to set one', async () => {
    const { err } = await load({ storage_bucket: 'b' });
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain('set region (e.g. us-east) or endpoint');
  });
});
