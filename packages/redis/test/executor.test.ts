import { FunctionExecutor } from '@lithops/core';
import { ensureRedis, type RedisHandle } from '@lithops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBackend } from './make.js';

describe('localhost compute with storage: redis', () => {
  let server: RedisHandle;
  const prefix = `lithops-exec-${process.pid}`;

  beforeAll(async () => {
    server = await ensureRedis();
  });
  afterAll(async () => {
    const backend = await makeBackend({ host: server.host, port: server.port, key_prefix: prefix });
    await backend.deleteBucket('storage');
    await backend[Symbol.asyncDispose]();
    await server?.stop();
  });

  it('runs a map whose job data goes through Redis', async () => {
    const fexec = new FunctionExecutor({
      config: {
        lithops: { backend: 'localhost', storage: 'redis' },
        redis: { host: server.host, port: server.port, key_prefix: prefix },
      },
    });
    try {
      const futures = await fexec.map((x: number) => x * 2, [1, 2, 3, 4]);
      expect(await fexec.getResult(futures)).toEqual([2, 4, 6, 8]);
      // The job's data is in Redis, under the jobs prefix of the configured bucket.
      const backend = await makeBackend({ host: server.host, port: server.port, key_prefix: prefix });
      const keys: string[] = [];
      for await (const e of backend.listObjects('storage', { prefix: 'lithops.jobs/' }))
        if (e.type === 'object') keys.push(e.key);
      await backend[Symbol.asyncDispose]();
      expect(keys.length).toBeGreaterThan(0);
    } finally {
      await fexec.close();
    }
  }, 60_000);
});
