import { createHash, randomBytes } from 'node:crypto';
import { type ChaosProxy, ensureRedis, type RedisHandle, startChaosProxy } from '@lithops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBackend } from './make.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('redis over a network that drops, cuts and delays connections', () => {
  let server: RedisHandle;
  let proxy: ChaosProxy;

  beforeAll(async () => {
    server = await ensureRedis();
    // ioredis keeps one connection: cut every connection after 12 MiB, reset every 4th new one.
    proxy = await startChaosProxy({
      target: { host: server.host, port: server.port },
      dropEvery: 4,
      cutEvery: 1,
      cutAfterBytes: 12 * 2 ** 20,
      delayMs: 20,
    });
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
  });

  it('reads back every object written, intact', async () => {
    const backend = await makeBackend({ host: proxy.host, port: proxy.port, retries: 8 });
    const bodies = [
      ...Array.from({ length: 80 }, (_, i) => randomBytes(64 * 1024 + i)),
      randomBytes(9 * 2 ** 20),
      randomBytes(9 * 2 ** 20),
    ];
    await Promise.all(bodies.map((b, i) => backend.putObject('storage', `obj/${i}`, b)));
    const back = await Promise.all(bodies.map((_, i) => backend.getObject('storage', `obj/${i}`)));
    back.forEach((b, i) => {
      expect(sha(b), `object ${i}`).toBe(sha(bodies[i]!));
    });
    const keys: string[] = [];
    for await (const e of backend.listObjects('storage', { prefix: 'obj/' }))
      if (e.type === 'object') keys.push(e.key);
    expect(keys.length).toBe(bodies.length);
    expect(proxy.stats.cut + proxy.stats.dropped).toBeGreaterThan(2);
    await backend.deleteBucket('storage');
    await backend[Symbol.asyncDispose]();
  }, 120_000);
});
