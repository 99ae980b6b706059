import { ensureRedis, type RedisHandle } from '@lithops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisBackend } from '../src/index.js';
import { makeBackend } from './make.js';

describe('redis key layout', () => {
  let server: RedisHandle;
  let backend: RedisBackend;

  beforeAll(async () => {
    server = await ensureRedis();
    backend = await makeBackend({
      host: server.host,
      port: server.port,
      key_prefix: `lithops-layout-${process.pid}`,
    });
  });
  afterAll(async () => {
    await backend.deleteBucket('storage');
    await backend[Symbol.asyncDispose]();
    await server.stop();
  });

  it('keeps a bucket in one hash slot: marker, sorted index, mtimes and object strings', async () => {
    await backend.putObject('storage', 'a/b.txt', Buffer.from('hello'));
    const p = `lithops-layout-${process.pid}:{storage}`;
    const c = backend.getClient();
    expect(await c.get(`${p}:bucket`)).toBe('1');
    expect(await c.zrange(`${p}:idx`, '0', '-1')).toEqual(['a/b.txt']);
    expect(Number(await c.hget(`${p}:mtime`, 'a/b.txt'))).toBeGreaterThan(Date.now() - 60_000);
    expect(await c.get(`${p}:o:a/b.txt`)).toBe('hello');
  });

  it('leaves no temporary key after a streamed upload, and deletes everything with the bucket', async () => {
    const { Readable } = await import('node:stream');
    await backend.putObject('storage', 'big', Readable.from([Buffer.alloc(9 * 2 ** 20, 1)]));
    const c = backend.getClient();
    const p = `lithops-layout-${process.pid}:{storage}`;
    expect(await c.keys(`${p}:tmp:*`)).toEqual([]);
    expect(await c.ttl(`${p}:o:big`)).toBe(-1);
    await backend.deleteBucket('storage');
    expect(await c.keys(`lithops-layout-${process.pid}:*`)).toEqual([]);
    await backend.createBucket('storage');
  });
});
