import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LithopsError } from '../src/errors.js';
import '../src/index.js';
import { CloudObject } from '../src/storage/cloud-object.js';
import { Storage } from '../src/storage/storage.js';

async function text(r: Readable): Promise<string> {
  let s = '';
  for await (const c of r) s += c.toString();
  return s;
}

describe('Storage facade (localhost backend)', () => {
  let dir: string;
  let storage: Storage;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lithops-facade-'));
    storage = await Storage.fromConfig({
      config: {
        lithops: { storage: 'localhost', jobs_prefix: 'jobs' },
        localhost: { storage_dir: join(dir, 'store') },
      },
      tempPrefix: 'exec-1',
    });
  });

  afterAll(async () => {
    await storage[Symbol.asyncDispose]();
    await rm(dir, { recursive: true, force: true });
  });

  it('is made from config, on the configured backend and bucket', () => {
    expect(storage.backendName).toBe('localhost');
    expect(storage.bucket).toBe('storage');
    expect(storage.getClient()).toEqual({ root: join(dir, 'store') });
  });

  it('puts strings, bytes and streams, and gets whole, ranged and streamed', async () => {
    await storage.putObject(storage.bucket, 'a/str', 'héllo');
    await storage.putObject(storage.bucket, 'a/bytes', new Uint8Array([1, 2, 3]));
    await storage.putObject(storage.bucket, 'a/stream', Readable.from(['ab', 'cd']));
    expect(Buffer.from(await storage.getObject(storage.bucket, 'a/str')).toString()).toBe('héllo');
    expect([...(await storage.getObject(storage.bucket, 'a/bytes', { range: [1, 2] }))]).toEqual([2, 3]);
    const r = await storage.getObject(storage.bucket, 'a/stream', { stream: true });
    expect(r).toBeInstanceOf(Readable);
    expect(await text(r)).toBe('abcd');
    expect(
      await text(await storage.getObject(storage.bucket, 'a/stream', { stream: true, range: [1, 2] })),
    ).toBe('bc');
    expect((await storage.headObject(storage.bucket, 'a/str')).size).toBe(6);
  });

  it('lists entries and keys lazily, and deletes one or many', async () => {
    const entries = [];
    for await (const e of storage.listObjects(storage.bucket, { prefix: 'a/', delimiter: '/' }))
      entries.push(e);
    expect(entries.map((e) => (e.type === 'object' ? e.key : e.prefix))).toEqual([
      'a/bytes',
      'a/str',
      'a/stream',
    ]);
    const keys = [];
    for await (const key of storage.listKeys(storage.bucket, { prefix: 'a/' })) keys.push(key);
    expect(keys).toEqual(['a/bytes', 'a/str', 'a/stream']);
    await storage.deleteObject(storage.bucket, 'a/str');
    await storage.deleteObjects(storage.bucket, ['a/bytes', 'a/stream']);
    const left = [];
    for await (const key of storage.listKeys(storage.bucket, { prefix: 'a/' })) left.push(key);
    expect(left).toEqual([]);
  });

  it('uploads and downloads files as streams; a failed download leaves no file', async () => {
    const src = join(dir, 'upload.bin');
    await writeFile(src, Buffer.alloc(3 * 2 ** 20, 7));
    await storage.uploadFile(src, storage.bucket);
    await storage.uploadFile(src, storage.bucket, 'files/renamed.bin');
    expect((await storage.headObject(storage.bucket, 'upload.bin')).size).toBe(3 * 2 ** 20);
    const dst = join(dir, 'down', 'nested', 'copy.bin');
    await storage.downloadFile(storage.bucket, 'files/renamed.bin', dst);
    expect((await readFile(dst)).equals(Buffer.alloc(3 * 2 ** 20, 7))).toBe(true);
    await expect(
      storage.downloadFile(storage.bucket, 'files/missing', join(dir, 'down', 'missing')),
    ).rejects.toSatisfy((e) => LithopsError.is(e, 'NOT_FOUND'));
    expect((await readdir(join(dir, 'down'))).sort()).toEqual(['nested']);
  });

  it('manages buckets', async () => {
    expect(await storage.bucketExists('other')).toBe(false);
    await storage.createBucket('other');
    expect(await storage.bucketExists('other')).toBe(true);
    await storage.deleteBucket('other');
    expect(await storage.bucketExists('other')).toBe(false);
  });

  it('puts cloud objects under <jobs_prefix>/<tempPrefix>/cloudobjects/ and tracks them', async () => {
    const a = await storage.putCloudObject('first');
    const b = await storage.putCloudObject(Buffer.from('second'));
    const c = await storage.putCloudObject('third', { key: 'mine/c' });
    expect(a).toBeInstanceOf(CloudObject);
    expect([a.backend, a.bucket, a.key]).toEqual(['localhost', 'storage', 'jobs/exec-1/cloudobjects/0']);
    expect(b.key).toBe('jobs/exec-1/cloudobjects/1');
    expect(c.key).toBe('mine/c');
    expect(a.url).toBe('localhost://storage/jobs/exec-1/cloudobjects/0');
    expect(String(a)).toBe('<CloudObject at localhost://storage/jobs/exec-1/cloudobjects/0>');
    expect(JSON.parse(JSON.stringify(a))).toEqual({ backend: 'localhost', bucket: 'storage', key: a.key });
    expect(Buffer.from(await storage.getCloudObject(b)).toString()).toBe('second');
    expect(await text(await storage.getCloudObject(c, { stream: true }))).toBe('third');
    expect(storage.trackedCloudObjects()).toEqual([a, b, c]);
    await storage.deleteCloudObjects([a, c]);
    expect(storage.trackedCloudObjects()).toEqual([b]);
    await expect(storage.getCloudObject(a)).rejects.toSatisfy((e) => LithopsError.is(e, 'NOT_FOUND'));
  });

  it('refuses a cloud object of another backend', async () => {
    const foreign = new CloudObject('aws_s3', 'bkt', 'k');
    await expect(async () => storage.getCloudObject(foreign)).rejects.toSatisfy(
      (e) => LithopsError.is(e, 'INVALID_ARGUMENT') && (e as Error).message.includes('"aws_s3"'),
    );
  });

  it('disposes the backend it made, and not one it was given', async () => {
    let disposed = 0;
    const backend = storage.backend;
    const spy = Object.create(backend, {
      [Symbol.asyncDispose]: { value: async () => void disposed++ },
    });
    await new Storage(spy).close();
    expect(disposed).toBe(0);
    await new Storage(spy, { ownsBackend: true }).close();
    expect(disposed).toBe(1);
  });
});
