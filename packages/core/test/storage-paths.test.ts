import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LithopsError } from '../src/errors.js';
import { LocalhostStorageBackend } from '../src/storage/localhost-backend.js';

// Names that must never reach outside the storage folder, whatever the call.
const BAD_KEYS = [
  '../outside',
  'a/../../outside',
  '..',
  '/etc/passwd',
  'a/\0b',
  'a//b',
  'a/',
  './a',
  'a/./b',
];
const BAD_BUCKETS = ['..', '../outside', '/tmp', 'a/b', 'x\0y', '', '.'];

describe('localhost storage refuses path traversal', () => {
  let base: string;
  let root: string;
  let s: LocalhostStorageBackend;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'lithops-paths-'));
    root = join(base, 'root');
    await mkdir(root);
    await writeFile(join(base, 'outside'), 'secret');
    s = new LocalhostStorageBackend(root, 'b');
    await s.createBucket('b');
  });

  afterAll(() => rm(base, { recursive: true, force: true }));

  async function refused(call: () => Promise<unknown>, what: string): Promise<void> {
    let err: unknown;
    try {
      await call();
    } catch (e) {
      err = e;
    }
    expect(LithopsError.is(err, 'INVALID_ARGUMENT'), `${what}: ${String(err)}`).toBe(true);
  }

  it('in keys, for every call', async () => {
    for (const key of BAD_KEYS) {
      const w = JSON.stringify(key);
      await refused(() => s.putObject('b', key, Buffer.from('x')), `put ${w}`);
      await refused(() => s.putObject('b', key, Readable.from([Buffer.from('x')])), `put stream ${w}`);
      await refused(() => s.getObject('b', key), `get ${w}`);
      await refused(() => s.getObject('b', key, { range: [0, 1] }), `get range ${w}`);
      await refused(() => s.getObjectStream('b', key), `stream ${w}`);
      await refused(() => s.headObject('b', key), `head ${w}`);
      await refused(() => s.deleteObjects('b', [key]), `delete ${w}`);
    }
  });

  it('in buckets, for every call', async () => {
    for (const bucket of BAD_BUCKETS) {
      const w = JSON.stringify(bucket);
      await refused(() => s.putObject(bucket, 'k', Buffer.from('x')), `put ${w}`);
      await refused(() => s.getObject(bucket, 'outside'), `get ${w}`);
      await refused(() => s.headObject(bucket, 'outside'), `head ${w}`);
      await refused(() => s.deleteObjects(bucket, ['outside']), `delete ${w}`);
      await refused(() => s.bucketExists(bucket), `exists ${w}`);
      await refused(() => s.createBucket(bucket), `create ${w}`);
      await refused(() => s.deleteBucket(bucket), `delete bucket ${w}`);
      await refused(async () => {
        for await (const _ of s.listObjects(bucket)) break;
      }, `list ${w}`);
    }
  });

  it('a key with a segment too long for a file name is INVALID_ARGUMENT, not a raw ENAMETOOLONG', async () => {
    const key = `jobs/${'k'.repeat(300)}`;
    let err: unknown;
    try {
      await s.putObject('b', key, Buffer.from('x'));
    } catch (e) {
      err = e;
    }
    expect(LithopsError.is(err, 'INVALID_ARGUMENT'), String(err)).toBe(true);
    expect((err as Error).message).toContain('segment of 300 bytes');
    expect((err as Error).message).toContain('(305 characters)');
    await refused(() => s.getObject('b', key), 'get');
    // A long key whose segments are each short is fine.
    const deep = Array.from({ length: 6 }, () => 'd'.repeat(150)).join('/');
    await s.putObject('b', deep, Buffer.from('deep'));
    expect(Buffer.from(await s.getObject('b', deep)).toString()).toBe('deep');
  });

  it('lists nothing outside the bucket for a prefix with ".."', async () => {
    await s.putObject('b', 'inside', Buffer.from('in'));
    const seen: string[] = [];
    for await (const e of s.listObjects('b', { prefix: '../' }))
      seen.push(e.type === 'object' ? e.key : e.prefix);
    expect(seen).toEqual([]);
  });

  it('left the files outside the folder as they were', async () => {
    expect((await readdir(base)).sort()).toEqual(['outside', 'root']);
    expect((await readdir(root)).sort()).toEqual(['b']);
  });
});
