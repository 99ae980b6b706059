import { describeStorageErrors, describeStorageLoading, freePort, startS3rver } from '@lithops/testkit';
import { makeBackend } from './make.js';

const SECRET = 'not-the-s3rver-secret-0123456789';

describeStorageErrors('aws_s3 on s3rver', async () => {
  const s3 = await startS3rver({ buckets: ['errors'] });
  const keys = { access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey };
  const storage = await makeBackend({ storage_bucket: 'errors', endpoint: s3.endpoint }, keys);
  const closed = `http://127.0.0.1:${await freePort()}`;
  const wrong = await makeBackend(
    { storage_bucket: 'errors', endpoint: s3.endpoint },
    { access_key_id: 'WRONGKEY', secret_access_key: SECRET, region: 'us-east-1' },
  );
  const unreachable = await makeBackend(
    { storage_bucket: 'errors', endpoint: closed, retries: 3, connect_timeout: 1 },
    keys,
  );
  return {
    storage,
    bucket: 'errors',
    badCredentials: {
      secrets: [SECRET],
      calls: [() => wrong.putObject('errors', 'k', Buffer.from('x')), () => wrong.headObject('errors', 'k')],
    },
    unreachable: {
      endpoint: closed,
      messageContains: ['ECONNREFUSED'],
      calls: [() => unreachable.getObject('errors', 'k')],
    },
    teardown: async () => {
      for (const b of [storage, wrong, unreachable]) await b[Symbol.asyncDispose]();
      await s3.stop();
    },
  };
});

describeStorageLoading(
  'aws_s3',
  async () => {
    const s3 = await startS3rver({ buckets: ['loader'] });
    return {
      config: {
        lithops: { storage: 'aws_s3' },
        aws: { access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey, region: 'us-east-1' },
        aws_s3: { storage_bucket: 'loader', endpoint: s3.endpoint },
      },
      clientMethod: 'send',
      teardown: () => s3.stop(),
    };
  },
  { section: { storage_bucket: 'b', endpont: 'x' }, wrongKey: 'endpont', rightKey: 'endpoint' },
);
