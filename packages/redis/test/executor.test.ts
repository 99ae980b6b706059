import { describeExecutorOnStorage, ensureRedis } from '@lithops/testkit';
import { makeBackend } from './make.js';

describeExecutorOnStorage('redis', async () => {
  const server = await ensureRedis();
  const section = { host: server.host, port: server.port, key_prefix: `lithops-exec-${process.pid}` };
  const inspect = await makeBackend(section);
  return {
    config: { lithops: { storage: 'redis' }, redis: section },
    inspect,
    bucket: 'storage',
    teardown: async () => {
      const b = await makeBackend(section);
      await b.deleteBucket('storage');
      await b[Symbol.asyncDispose]();
      await server.stop();
    },
  };
});
