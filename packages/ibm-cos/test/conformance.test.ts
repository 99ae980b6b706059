import { describeStorageBackend, startS3rver } from '@lithops/testkit';
import { makeBackend } from './make.js';

describeStorageBackend('ibm_cos on s3rver', async () => {
  const s3 = await startS3rver({ buckets: ['conformance'] });
  const storage = await makeBackend({
    storage_bucket: 'conformance',
    endpoint: s3.endpoint,
    access_key_id: s3.accessKeyId,
    secret_access_key: s3.secretAccessKey,
  });
  return {
    storage,
    bucket: 'conformance',
    quirks: { listsBySegment: true, delimiterMissesDeepPrefixes: true },
    teardown: async () => {
      await storage[Symbol.asyncDispose]();
      await s3.stop();
    },
  };
});
