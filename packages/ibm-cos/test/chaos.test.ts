import { describeStorageResilience, startS3rver } from '@lithops/testkit';
import { makeBackend } from './make.js';

describeStorageResilience(
  'ibm_cos on s3rver',
  async () => {
    const s3 = await startS3rver({ buckets: ['chaos'] });
    const keys = { access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey };
    return {
      target: { host: s3.host, port: s3.port },
      bucket: 'chaos',
      direct: await makeBackend({ storage_bucket: 'chaos', endpoint: s3.endpoint, ...keys }),
      configThrough: (proxy) => ({
        lithops: { storage: 'ibm_cos' },
        ibm_cos: { storage_bucket: 'chaos', endpoint: proxy.endpoint, ...keys },
      }),
      throughProxy: (proxy) =>
        makeBackend({ storage_bucket: 'chaos', endpoint: proxy.endpoint, retries: 8, ...keys }),
      teardown: () => s3.stop(),
    };
  },
  { chaos: { dropEvery: 5, cutEvery: 3, cutAfterBytes: 256 * 1024, delayMs: 20 } },
);
