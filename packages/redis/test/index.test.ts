import { randomBytes } from 'node:crypto';
import type { ListEntry } from '@lithops/core/plugin';
import { ensureRedis, type RedisHandle } from '@lithops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisBackend } from '../src/index.js';
import { makeBackend } from './make.js';

// The puts of one tick are indexed by one script call sent behind their SETs: these tests check
// what that must keep. A server of our own (with a password), so flushing its scripts disturbs
// no one else.
const PASSWORD = 'index-tests-password';

async function names(backend: RedisBackend, bucket: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of backend.listObjects(bucket) as AsyncIterable<ListEntry>) {
    if (e.type === 'object') out.push(e.key);
  }
  return out;
}

describe('redis index of small puts', () => {
  let server: RedisHandle;
  let key_prefix: string;
  let a: RedisBackend;
  let b: RedisBackend;

  beforeAll(async () => {
    server = await ensureRedis({ password: PASSWORD });
    key_prefix = `lithops-index-${randomBytes(4).toString('hex')}`;
    const at = { host: server.host, port: server.port, password: PASSWORD, key_prefix };
    // Two backends on two connections over the same keys: their commands interleave in Redis.
    a = await makeBackend(at);
    b = await makeBackend(at);
  });
  afterAll(async () => {
    await a?.deleteBucket('storage');
    await a?.[Symbol.asyncDispose]();
    await b?.[Symbol.asyncDispose]();
    await server?.stop();
  });

  /** Index members, mtime fields and object keys of a bucket, straight from Redis. */
  async function layout(bucket: string) {
    const c = a.getClient();
    const p = `${key_prefix}:{${bucket}}`;
    const objects = (await c.keys(`${p}:o:*`)).map((k) => k.slice(`${p}:o:`.length));
    return {
      index: (await c.zrange(`${p}:idx`, '0', '-1')).sort(),
      mtimes: (await c.hkeys(`${p}:mtime`)).sort(),
      objects: objects.sort(),
    };
  }

  it('indexes more puts of one tick than one script call takes', async () => {
    await a.createBucket('many');
    const keys = Array.from({ length: 5000 }, (_, i) => `k/${String(i).padStart(4, '0')}`);
    await Promise.all(keys.map((k) => a.putObject('many', k, Buffer.from(k))));
    expect(await names(a, 'many')).toEqual(keys);
    const back = await Promise.all(keys.map((k) => a.getObject('many', k)));
    expect(back.map((b) => Buffer.from(b).toString())).toEqual(keys);
    const l = await layout('many');
    expect(l.mtimes).toEqual(keys);
    expect(l.objects).toEqual(keys);
    await a.deleteBucket('many');
  });

  it('fails only the puts of the same tick into a missing bucket, leaving nothing of them', async () => {
    const results = await Promise.allSettled([
      a.putObject('storage', 'here/1', Buffer.from('1')),
      a.putObject('nowhere', 'x/1', Buffer.from('x')),
      a.putObject('storage', 'here/2', Buffer.from('2')),
      a.putObject('nowhere', 'x/2', Buffer.from('x')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    for (const r of results.filter((r) => r.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'NOT_FOUND' });
    expect(await names(a, 'storage')).toEqual(expect.arrayContaining(['here/1', 'here/2']));
    expect(await layout('nowhere')).toEqual({ index: [], mtimes: [], objects: [] });
  });

  it('leaves out of the index a key deleted between its SET and the script', async () => {
    await a.createBucket('race');
    await a.putObject('race', 'gone', Buffer.from('old'));
    const c = a.getClient() as unknown as {
      evalsha: (...args: unknown[]) => Promise<unknown>;
      ping(): Promise<string>;
    };
    const evalsha = c.evalsha;
    c.evalsha = async (...args) => {
      c.evalsha = evalsha;
      // Behind this tick's SETs on the same connection, so they have run; then the other
      // connection deletes one of the keys before the script runs.
      await c.ping();
      await b.deleteObjects('race', ['gone']);
      return evalsha.apply(c, args);
    };
    await Promise.all([
      a.putObject('race', 'gone', Buffer.from('new')),
      a.putObject('race', 'kept', Buffer.from('new')),
    ]);
    expect(c.evalsha).toBe(evalsha);
    expect(await names(a, 'race')).toEqual(['kept']);
    expect(await layout('race')).toEqual({ index: ['kept'], mtimes: ['kept'], objects: ['kept'] });
    await expect(a.headObject('race', 'gone')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await a.deleteBucket('race');
  });

  it('keeps listing, times and objects in step under concurrent overwrites and deletes', async () => {
    await a.createBucket('race');
    const keys = Array.from({ length: 64 }, (_, i) => `r/${i}`);
    for (let round = 0; round < 12; round++) {
      // Puts on one connection, deletes of the same keys on the other, in varying overlap.
      await Promise.all([
        Promise.all(keys.map((k) => a.putObject('race', k, randomBytes(1 + ((round * 7) % 50))))),
        (async () => {
          for (let i = 0; i < round % 4; i++) await new Promise((r) => setImmediate(r));
          await b.deleteObjects(
            'race',
            keys.filter((_, i) => (i + round) % 3 !== 0),
          );
        })(),
      ]);
      const l = await layout('race');
      expect(l.index).toEqual(l.objects);
      expect(l.mtimes).toEqual(l.objects);
      expect((await names(a, 'race')).sort()).toEqual(l.objects);
    }
    await a.deleteBucket('race');
  });

  it('loads the script again when the server has lost it', async () => {
    await a.getClient().script('FLUSH');
    await Promise.all([
      a.putObject('storage', 'after-flush/1', Buffer.from('1')),
      a.putObject('storage', 'after-flush/2', Buffer.from('2')),
    ]);
    expect(await names(a, 'storage')).toEqual(expect.arrayContaining(['after-flush/1', 'after-flush/2']));
    expect((await a.headObject('storage', 'after-flush/2')).lastModified).toBeInstanceOf(Date);
  });
});
