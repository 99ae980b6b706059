import { describeLiveStorage } from '@lithops/testkit';
import { makeBackend } from './make.js';

// A remote (managed) Redis; LITHOPS_LIVE_REDIS_PORT, _PASSWORD and _SSL=1 as needed.
describeLiveStorage(
  'redis',
  { flag: 'LITHOPS_LIVE_REDIS', required: ['LITHOPS_LIVE_REDIS_HOST'] },
  async () => {
    const env = process.env;
    const storage = await makeBackend({
      host: env.LITHOPS_LIVE_REDIS_HOST,
      port: Number(env.LITHOPS_LIVE_REDIS_PORT ?? 6379),
      ...(env.LITHOPS_LIVE_REDIS_PASSWORD ? { password: env.LITHOPS_LIVE_REDIS_PASSWORD } : {}),
      ssl: env.LITHOPS_LIVE_REDIS_SSL === '1',
    });
    return { storage, bucket: 'storage', teardown: () => storage.deleteBucket('storage') };
  },
);
