import { describeStorageBackend, startAzurite } from '@lithops/testkit';
import { makeBackend } from './helpers.js';

describeStorageBackend('azure_storage (azurite)', async () => {
  const azurite = await startAzurite();
  const storage = await makeBackend({
    connection_string: azurite.connectionString,
    storage_bucket: 'lithops-conformance',
  });
  await storage.createBucket('lithops-conformance');
  return {
    storage,
    bucket: 'lithops-conformance',
    teardown: async () => {
      await storage[Symbol.asyncDispose]();
      await azurite.stop();
    },
  };
});
