import { describeStorageResilience, startS3rver } from '@lithops/testkit';
import { makeBackend } from './make.js';

describeStorageResilience(
  'aws_s3 on s3rver',
  async () => {
    const s3 = await startS3rver({ buckets: ['chaos'] });
    const keys = { access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey };
    const direct = await makeBackend({ storage_bucket: 'chaos', endpoint: s3.endpoint }, keys);
    return {
      target: { host: s3.host, port: s3.port },
      bucket: 'chaos',
      direct,
      configThrough: (proxy) => ({
        lithops: { storage: 'aws_s3' },
        aws: { ...keys, region: s3.region },
        aws_s3: { storage_bucket: 'chaos', endpoint: proxy.endpoint },
      }),
      throughProxy: (proxy) =>
        makeBackend({ storage_bucket: 'chaos', endpoint: proxy.endpoint, retries: 8 }, keys),
      teardown: async () => {
        await direct[Symbol.asyncDispose]();
        await s3.stop();
      },
    };
  },
  { chaos: { dropEvery: 5, cutEvery: 3, cutAfterBytes: 256 * 1024, delayMs: 20 } },
);
