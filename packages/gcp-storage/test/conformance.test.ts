import { describeStorageBackend, startFakeGcs } from '@lithops/testkit';
import { makeBackend } from './helpers.js';

describeStorageBackend('gcp_storage (fake GCS)', async () => {
  const gcs = await startFakeGcs();
  const storage = await makeBackend({ storage_bucket: 'lithops-conformance', endpoint: gcs.endpoint });
  await storage.createBucket('lithops-conformance');
  return {
    storage,
    bucket: 'lithops-conformance',
    teardown: async () => {
      await storage[Symbol.asyncDispose]();
      await gcs.stop();
    },
  };
});
