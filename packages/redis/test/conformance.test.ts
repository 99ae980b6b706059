import { describeStorageBackend, ensureRedis } from '@lithops/testkit';
import { makeBackend } from './make.js';

describeStorageBackend('redis', async () => {
  const server = await ensureRedis();
  const storage = await makeBackend({ host: server.host, port: server.port, storage_bucket: 'conformance' });
  return {
    storage,
    bucket: 'conformance',
    teardown: async () => {
      await storage.deleteBucket('conformance');
      await storage[Symbol.asyncDispose]();
      await server.stop();
    },
  };
});
