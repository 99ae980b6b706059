import { randomBytes } from 'node:crypto';
import { describeStorageResilience, ensureRedis } from '@lithops/testkit';
import { makeBackend } from './make.js';

describeStorageResilience(
  'redis',
  async () => {
    const server = await ensureRedis();
    // One key prefix for both connections, so they see the same objects.
    const prefix = { key_prefix: `lithops-chaos-${randomBytes(4).toString('hex')}` };
    const direct = await makeBackend({ host: server.host, port: server.port, ...prefix });
    return {
      target: { host: server.host, port: server.port },
      bucket: 'storage',
      direct,
      configThrough: (proxy) => ({
        lithops: { storage: 'redis' },
        redis: { host: proxy.host, port: proxy.port, ...prefix },
      }),
      // Every connection is cut and every 4th reconnection dropped: failures in a row last past a
      // second here, which would open the breaker (as for a dead server) before retries recover.
      throughProxy: (proxy) =>
        makeBackend({ host: proxy.host, port: proxy.port, retries: 8, breaker_failures: 50, ...prefix }),
      teardown: async () => {
        await direct.deleteBucket('storage');
        await direct[Symbol.asyncDispose]();
        await server.stop();
      },
    };
  },
  {
    // ioredis keeps one connection: cut every connection after 12 MiB, reset every 4th new one.
    chaos: { dropEvery: 4, cutEvery: 1, cutAfterBytes: 12 * 2 ** 20, delayMs: 20 },
    // A reply comes whole or not at all: a connection must carry the largest GET, or a window.
    largeBodyBytes: 9 * 2 ** 20,
    streamCutAfterBytes: 6 * 2 ** 20,
  },
);
