import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CRC32C, Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Crc32c, type FakeGcs, startFakeGcs } from '../src/fake-gcs.js';

let gcs: FakeGcs;
let storage: Storage;

beforeAll(async () => {
  gcs = await startFakeGcs();
  storage = new Storage({ apiEndpoint: gcs.endpoint, projectId: 'test', retryOptions: { autoRetry: false } });
  await storage.createBucket('fake-bucket');
});

afterAll(async () => {
  await gcs?.stop();
});

function jwt(privateKey: string, claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc(claims)}`;
  const sig = createSign('RSA-SHA256').update(body).sign(privateKey).toString('base64url');
  return `${body}.${sig}`;
}

describe('Crc32c', () => {
  it('matches the standard check value and the client library', () => {
    expect(new Crc32c().update(Buffer.from('123456789')).value()).toBe(0xe3069283);
    expect(new Crc32c().value()).toBe(0);
    const data = randomBytes(100_003);
    const ours = new Crc32c().update(data.subarray(0, 5000)).update(data.subarray(5000));
    const theirs = new CRC32C();
    theirs.update(data);
    expect(ours.base64()).toBe(theirs.toString());
  });
});

describe('fake GCS through @google-cloud/storage', () => {
  it('creates, reads and deletes buckets', async () => {
    const [b] = await storage.createBucket('other-bucket');
    expect(b.name).toBe('other-bucket');
    expect((await storage.bucket('other-bucket').exists())[0]).toBe(true);
    await expect(storage.createBucket('other-bucket')).rejects.toMatchObject({ code: 409 });
    await storage.bucket('other-bucket').file('x').save('x', { resumable: false });
    await expect(storage.bucket('other-bucket').delete()).rejects.toMatchObject({ code: 409 });
    await storage.bucket('other-bucket').file('x').delete();
    await storage.bucket('other-bucket').delete();
    expect((await storage.bucket('other-bucket').exists())[0]).toBe(false);
    const [buckets] = await storage.getBuckets();
    expect(buckets.map((x) => x.name)).toEqual(['fake-bucket']);
  });

  it('stores a multipart upload and serves it back with validated hashes', async () => {
    const data = randomBytes(300_000);
    const file = storage.bucket('fake-bucket').file('multi/part.bin');
    await file.save(data, { resumable: false, validation: 'crc32c' });
    const [md] = await file.getMetadata();
    expect(md.size).toBe(String(data.length));
    expect(typeof md.generation).toBe('string');
    const crc = new CRC32C();
    crc.update(data);
    expect(md.crc32c).toBe(crc.toString());
    expect(md.md5Hash).toBe((await import('node:crypto')).createHash('md5').update(data).digest('base64'));
    const [back] = await file.download();
    expect(Buffer.compare(back, data)).toBe(0);
    const [backMd5] = await file.download({ validation: 'md5' });
    expect(Buffer.compare(backMd5, data)).toBe(0);
  });

  it('stores an empty object', async () => {
    const file = storage.bucket('fake-bucket').file('empty');
    await file.save(Buffer.alloc(0), { resumable: false });
    const [back] = await file.download();
    expect(back.length).toBe(0);
    expect((await file.getMetadata())[0].size).toBe('0');
  });

  it('takes a single-request resumable upload from a stream', async () => {
    const data = randomBytes(3 * 2 ** 20 + 17);
    const file = storage.bucket('fake-bucket').file('resumable/one.bin');
    await pipeline(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), file.createWriteStream());
    const [back] = await file.download();
    expect(Buffer.compare(back, data)).toBe(0);
  });

  it('takes a chunked resumable upload (308 between chunks)', async () => {
    const data = randomBytes(2 * 256 * 1024 + 12_345);
    const file = storage.bucket('fake-bucket').file('resumable/chunked.bin');
    await pipeline(Readable.from([data]), file.createWriteStream({ chunkSize: 256 * 1024 }));
    const [back] = await file.download();
    expect(Buffer.compare(back, data)).toBe(0);
  });

  it('answers a resumable status query with the persisted range and refuses short middle chunks', async () => {
    const [uri] = await storage.bucket('fake-bucket').file('resumable/manual.bin').createResumableUpload();
    const chunk = randomBytes(256 * 1024);
    let r = await fetch(uri, {
      method: 'PUT',
      headers: { 'Content-Range': `bytes 0-${chunk.length - 1}/*` },
      body: chunk,
    });
    expect(r.status).toBe(308);
    expect(r.headers.get('range')).toBe(`bytes=0-${chunk.length - 1}`);
    r = await fetch(uri, { method: 'PUT', headers: { 'Content-Range': 'bytes */*' } });
    expect(r.status).toBe(308);
    expect(r.headers.get('range')).toBe(`bytes=0-${chunk.length - 1}`);
    r = await fetch(uri, {
      method: 'PUT',
      headers: { 'Content-Range': `bytes ${chunk.length}-${chunk.length + 9}/*` },
      body: Buffer.alloc(10),
    });
    expect(r.status).toBe(400);
    // Overlapping bytes are skipped: resend the whole first chunk plus a tail, as a final request.
    const tail = Buffer.from('tail');
    r = await fetch(uri, {
      method: 'PUT',
      headers: { 'Content-Range': `bytes 0-${chunk.length + tail.length - 1}/${chunk.length + tail.length}` },
      body: Buffer.concat([chunk, tail]),
    });
    expect(r.status).toBe(200);
    const json = (await r.json()) as { size: string };
    expect(json.size).toBe(String(chunk.length + tail.length));
    const [back] = await storage.bucket('fake-bucket').file('resumable/manual.bin').download();
    expect(Buffer.compare(back, Buffer.concat([chunk, tail]))).toBe(0);
  });

  it('takes uploadType=media and refuses a body whose x-goog-hash does not match', async () => {
    const url = `${gcs.endpoint}/upload/storage/v1/b/fake-bucket/o?uploadType=media&name=${encodeURIComponent('media/ü.txt')}`;
    let r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hello' });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { contentType: string }).contentType).toBe('text/plain');
    const [text] = await storage.bucket('fake-bucket').file('media/ü.txt').download();
    expect(text.toString()).toBe('hello');
    r = await fetch(url, { method: 'POST', headers: { 'x-goog-hash': 'crc32c=AAAAAA==' }, body: 'bye' });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { code: number } }).error.code).toBe(400);
  });

  it('serves byte ranges with 206 and Content-Range', async () => {
    const data = randomBytes(10_000);
    const file = storage.bucket('fake-bucket').file('range.bin');
    await file.save(data, { resumable: false });
    const [mid] = await file.download({ start: 10, end: 19 });
    expect(Buffer.compare(mid, data.subarray(10, 20))).toBe(0);
    const [last] = await file.download({ start: 9_999, end: 9_999 });
    expect(last[0]).toBe(data[9_999]);
    const [rest] = await file.download({ start: 9_000 });
    expect(Buffer.compare(rest, data.subarray(9_000))).toBe(0);
    const r = await fetch(`${gcs.endpoint}/storage/v1/b/fake-bucket/o/range.bin?alt=media`, {
      headers: { Range: 'bytes=-5' },
    });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe('bytes 9995-9999/10000');
    expect(r.headers.get('x-goog-stored-content-encoding')).toBe('identity');
    expect(Buffer.compare(Buffer.from(await r.arrayBuffer()), data.subarray(9_995))).toBe(0);
    const bad = await fetch(`${gcs.endpoint}/storage/v1/b/fake-bucket/o/range.bin?alt=media`, {
      headers: { Range: 'bytes=20000-20001' },
    });
    expect(bad.status).toBe(416);
    await bad.arrayBuffer();
  });

  it('lists with prefix, delimiter, maxResults and page tokens', async () => {
    const bucket = storage.bucket('fake-bucket');
    const names = [
      ...Array.from({ length: 23 }, (_, i) => `list/a/${String(i).padStart(3, '0')}`),
      'list/b/x',
      'list/b/y',
      'list/c',
      'list/z/deep/er',
    ];
    await Promise.all(names.map((n) => bucket.file(n).save(n, { resumable: false })));
    const seen: string[] = [];
    let query: { pageToken?: string } | null = { pageToken: undefined };
    let pages = 0;
    while (query) {
      const [files, next] = (await bucket.getFiles({
        prefix: 'list/',
        maxResults: 7,
        autoPaginate: false,
        ...query,
      })) as unknown as [{ name: string }[], { pageToken?: string } | null];
      seen.push(...files.map((f) => f.name));
      query = next;
      pages++;
    }
    expect(pages).toBe(4);
    expect(seen).toEqual([...names].sort());

    const prefixes: string[] = [];
    const items: string[] = [];
    let token: string | undefined;
    do {
      const [files, next, resp] = (await bucket.getFiles({
        prefix: 'list/',
        delimiter: '/',
        maxResults: 2,
        autoPaginate: false,
        ...(token ? { pageToken: token } : {}),
      })) as unknown as [{ name: string }[], { pageToken?: string } | null, { prefixes?: string[] }];
      items.push(...files.map((f) => f.name));
      prefixes.push(...(resp.prefixes ?? []));
      token = next?.pageToken;
    } while (token);
    expect(items).toEqual(['list/c']);
    expect(prefixes).toEqual(['list/a/', 'list/b/', 'list/z/']);

    const [all] = await bucket.getFiles({ prefix: 'list/a/' });
    expect(all).toHaveLength(23);
    expect(all[0]!.metadata.size).toBe(String('list/a/000'.length));
  });

  it('deletes objects and answers 404 with GCS error JSON', async () => {
    const bucket = storage.bucket('fake-bucket');
    await bucket.file('gone').save('x', { resumable: false });
    await bucket.file('gone').delete();
    expect((await bucket.file('gone').exists())[0]).toBe(false);
    await expect(bucket.file('gone').delete()).rejects.toMatchObject({ code: 404 });
    await expect(bucket.file('gone').download()).rejects.toMatchObject({ code: 404 });
    const missing = storage.bucket('no-such-bucket');
    await expect(missing.file('k').getMetadata()).rejects.toMatchObject({
      code: 404,
      message: 'The specified bucket does not exist.',
    });
    const r = await fetch(`${gcs.endpoint}/storage/v1/b/fake-bucket/o/gone`);
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({
      error: {
        code: 404,
        message: 'No such object: fake-bucket/gone',
        errors: [{ message: 'No such object: fake-bucket/gone', domain: 'global', reason: 'notFound' }],
      },
    });
  });

  it('honours ifGenerationMatch preconditions', async () => {
    const file = storage.bucket('fake-bucket').file('precondition');
    await file.save('one', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
    await expect(
      file.save('two', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } }),
    ).rejects.toMatchObject({ code: 412 });
    expect((await file.download())[0].toString()).toBe('one');
  });
});

describe('fake GCS with service-account auth', () => {
  it('accepts a JWT signed by a known key and refuses others with 401', async () => {
    const good = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const bad = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const authed = await startFakeGcs({ auth: { publicKeys: [good.publicKey] } });
    try {
      const exp = Math.floor(Date.now() / 1000) + 3600;
      const pem = (k: typeof good) => k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const ok = await fetch(`${authed.endpoint}/storage/v1/b?project=p`, {
        headers: { Authorization: `Bearer ${jwt(pem(good), { exp })}` },
      });
      expect(ok.status).toBe(200);
      await ok.arrayBuffer();
      for (const auth of [
        `Bearer ${jwt(pem(bad), { exp })}`,
        `Bearer ${jwt(pem(good), { exp: 1 })}`,
        undefined,
      ]) {
        const r = await fetch(
          `${authed.endpoint}/storage/v1/b?project=p`,
          auth ? { headers: { Authorization: auth } } : {},
        );
        expect(r.status).toBe(401);
        expect(((await r.json()) as { error: { message: string } }).error.message).toBe(
          'Invalid Credentials',
        );
      }
    } finally {
      await authed.stop();
    }
  });
});
