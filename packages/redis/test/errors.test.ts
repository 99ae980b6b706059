import { describeStorageErrors, describeStorageLoading, ensureRedis, freePort } from '@lithops/testkit';
import { makeBackend } from './make.js';

const PASSWORD = 'the-right-password-1234';
const WRONG = 'not-the-password-5678';

describeStorageErrors('redis', async () => {
  const open = await ensureRedis();
  const secured = await ensureRedis({ password: PASSWORD }); // always our own server, with requirepass
  const at = { host: secured.host, port: secured.port };
  const storage = await makeBackend({ host: open.host, port: open.port });
  const port = await freePort();
  return {
    storage,
    bucket: 'storage',
    // Redis checks the password when the backend connects (creating its bucket).
    badCredentials: {
      secrets: [WRONG, PASSWORD],
      calls: [() => makeBackend({ ...at, password: WRONG }), () => makeBackend(at)],
    },
    unreachable: {
      endpoint: `127.0.0.1:${port}`,
      calls: [() => makeBackend({ host: '127.0.0.1', port, retries: 2, connect_timeout: 1 })],
    },
    teardown: async () => {
      await storage.deleteBucket('storage');
      await storage[Symbol.asyncDispose]();
      await secured.stop();
      await open.stop();
    },
  };
});

describeStorageLoading(
  'redis',
  async () => {
    const server = await ensureRedis();
    const key_prefix = `lithops-test-facade-${process.pid}`;
    return {
      config: { lithops: { storage: 'redis' }, redis: { host: server.host, port: server.port, key_prefix } },
      clientMethod: 'evalsha',
      teardown: async () => {
        const b = await makeBackend({ host: server.host, port: server.port, key_prefix });
        await b.deleteBucket('storage');
        await b[Symbol.asyncDispose]();
        await server.stop();
      },
    };
  },
  { section: { host: '127.0.0.1', prot: 6379 }, wrongKey: 'prot', rightKey: 'port' },
);
