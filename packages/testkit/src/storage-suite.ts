import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ListEntry, StorageBackend } from '@lithops/core/plugin';
import { LithopsError } from '@lithops/core/plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAll, sha256 } from './failures.js';
import { pool } from './pool.js';

/** What a backend's test gives the suite: a ready backend and an existing bucket it may fill. */
export interface StorageBackendFixture {
  storage: StorageBackend;
  bucket: string;
  /** Stops servers and disposes the backend. */
  teardown?: () => Promise<void>;
  /** Known deviations of an emulator from the real service, each still checked in its own way. */
  quirks?: {
    /**
     * The server orders a listing segment by segment (`a/b` before `a.b/c`), as s3rver does;
     * S3 and the others order by UTF-8 bytes (`a.b/c` first, as "." < "/").
     */
    listsBySegment?: boolean;
    /**
     * With a delimiter, a common prefix that holds only objects two or more levels down is not
     * reported (s3rver prunes those folders); such prefixes are then left out of the check.
     */
    delimiterMissesDeepPrefixes?: boolean;
  };
}

export interface StorageSuiteOptions {
  /** Per-test timeout for the slow tests (20 MiB objects, 1,500 keys): a guard against hangs. Default 600 s. */
  slowTimeoutMs?: number;
}

const MiB = 2 ** 20;

/** A Readable of `bytes` in uneven chunks, of a length the backend cannot know in advance. */
function unevenStream(bytes: Uint8Array): Readable {
  return Readable.from(
    (function* () {
      let off = 0;
      let step = 1;
      while (off < bytes.length) {
        const n = Math.min(bytes.length - off, (step * 7919) % (300 * 1024) || 1);
        yield Buffer.from(bytes.subarray(off, off + n));
        off += n;
        step++;
      }
    })(),
    { objectMode: false },
  );
}

async function collect(it: AsyncIterable<ListEntry>): Promise<ListEntry[]> {
  const out: ListEntry[] = [];
  for await (const e of it) out.push(e);
  return out;
}

function entryName(e: ListEntry): string {
  return e.type === 'object' ? e.key : e.prefix;
}

/** S3 listing order: by UTF-8 bytes. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Listing order of a server that walks folders: segment by segment, each by bytes. */
function segmentOrder(a: string, b: string): number {
  const sa = a.split('/');
  const sb = b.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const c = byteOrder(sa[i]!, sb[i]!);
    if (c !== 0) return c;
  }
  return sa.length - sb.length;
}

async function caught(p: Promise<unknown> | (() => Promise<unknown>)): Promise<unknown> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail, and it succeeded');
}

/**
 * The storage conformance suite every storage backend runs (ours and third parties'): DESIGN §7.
 * Each run writes under its own key prefix in the fixture's bucket and deletes it afterwards.
 */
export function describeStorageBackend(
  name: string,
  factory: () => Promise<StorageBackendFixture>,
  options: StorageSuiteOptions = {},
): void {
  const slow = options.slowTimeoutMs ?? 600_000;
  describe(`storage backend conformance: ${name}`, () => {
    let fx: StorageBackendFixture;
    let s: StorageBackend;
    let bucket: string;
    const run = `conformance-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const k = (key: string) => `${run}/${key}`;
    const listOrder = (a: string, b: string) =>
      fx.quirks?.listsBySegment ? segmentOrder(a, b) : byteOrder(a, b);

    beforeAll(async () => {
      fx = await factory();
      s = fx.storage;
      bucket = fx.bucket;
    }, slow);

    afterAll(async () => {
      if (!fx) return;
      try {
        const keys: string[] = [];
        for await (const e of s.listObjects(bucket, { prefix: `${run}/` }))
          if (e.type === 'object') keys.push(e.key);
        await s.deleteObjects(bucket, keys);
      } finally {
        await fx.teardown?.();
      }
    }, slow);

    it('names itself', () => {
      expect(typeof s.name).toBe('string');
      expect(s.name.length).toBeGreaterThan(0);
      expect(typeof s.bucket).toBe('string');
    });

    it('stores and reads an empty object, from bytes and from an empty stream', async () => {
      await s.putObject(bucket, k('empty/bytes'), new Uint8Array(0));
      await s.putObject(bucket, k('empty/stream'), Readable.from([]));
      for (const key of [k('empty/bytes'), k('empty/stream')]) {
        expect((await s.getObject(bucket, key)).length).toBe(0);
        expect((await readAll(await s.getObjectStream(bucket, key))).length).toBe(0);
        expect((await s.headObject(bucket, key)).size).toBe(0);
      }
    });

    it(
      'stores a 20 MiB object from bytes and from a stream of unknown length (multipart path)',
      async () => {
        const big = randomBytes(20 * MiB);
        await s.putObject(bucket, k('big/bytes'), big);
        await s.putObject(bucket, k('big/stream'), unevenStream(big));
        for (const key of [k('big/bytes'), k('big/stream')]) {
          expect((await s.headObject(bucket, key)).size).toBe(big.length);
          const whole = await s.getObject(bucket, key);
          expect(whole.length).toBe(big.length);
          expect(sha256(whole)).toBe(sha256(big));
          const streamed = await readAll(await s.getObjectStream(bucket, key));
          expect(sha256(streamed)).toBe(sha256(big));
        }
        // Ranges across the usual 5 and 8 MiB part boundaries.
        for (const at of [5 * MiB, 8 * MiB, 16 * MiB]) {
          const got = await s.getObject(bucket, k('big/stream'), { range: [at - 3, at + 2] });
          expect(Buffer.from(got).equals(big.subarray(at - 3, at + 3))).toBe(true);
        }
      },
      slow,
    );

    it('reads byte ranges, including the first and the last byte, as bytes and as streams', async () => {
      const body = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
      await s.putObject(bucket, k('range/obj'), body);
      const cases: [number, number][] = [
        [0, 0],
        [999, 999],
        [0, 999],
        [10, 19],
        [500, 998],
      ];
      for (const [a, b] of cases) {
        const got = Buffer.from(await s.getObject(bucket, k('range/obj'), { range: [a, b] }));
        expect(got.equals(body.subarray(a, b + 1)), `range [${a}, ${b}]`).toBe(true);
        const streamed = await readAll(await s.getObjectStream(bucket, k('range/obj'), { range: [a, b] }));
        expect(streamed.equals(body.subarray(a, b + 1)), `stream range [${a}, ${b}]`).toBe(true);
      }
      // An end past the object is cut to its last byte, as in HTTP.
      const tail = Buffer.from(await s.getObject(bucket, k('range/obj'), { range: [990, 5000] }));
      expect(tail.equals(body.subarray(990))).toBe(true);
    });

    it('streams an object back as it was written', async () => {
      const body = randomBytes(3 * MiB + 17);
      await s.putObject(bucket, k('stream/obj'), body);
      const r = await s.getObjectStream(bucket, k('stream/obj'));
      expect(r).toBeInstanceOf(Readable);
      expect(sha256(await readAll(r))).toBe(sha256(body));
    });

    it('heads an object: size, and lastModified/etag when given', async () => {
      const before = Date.now();
      await s.putObject(bucket, k('head/obj'), Buffer.from('hello world'));
      const meta = await s.headObject(bucket, k('head/obj'));
      expect(meta.size).toBe(11);
      if (meta.lastModified !== undefined) {
        expect(meta.lastModified).toBeInstanceOf(Date);
        // Servers keep seconds; allow for that and a little clock skew.
        expect(Math.abs(meta.lastModified.getTime() - before)).toBeLessThan(120_000);
      }
      if (meta.etag !== undefined) expect(meta.etag.length).toBeGreaterThan(0);
    });

    it('overwrites an object, shorter and longer', async () => {
      await s.putObject(bucket, k('over/obj'), Buffer.from('first version, long'));
      await s.putObject(bucket, k('over/obj'), Buffer.from('2nd'));
      expect(Buffer.from(await s.getObject(bucket, k('over/obj'))).toString()).toBe('2nd');
      expect((await s.headObject(bucket, k('over/obj'))).size).toBe(3);
      await s.putObject(bucket, k('over/obj'), Readable.from([Buffer.from('third, from a stream')]));
      expect(Buffer.from(await s.getObject(bucket, k('over/obj'))).toString()).toBe('third, from a stream');
    });

    it('keeps unicode and slash-heavy keys exact', async () => {
      const keys = [
        'unicode/ünïcødé/файл/文件.txt',
        'unicode/emoji 😀 with spaces + plus=equals&amp;',
        'unicode/quote\'s "double" %20 #hash ~tilde',
        'slashes/a/b/c/d/e/f/g/h/i/j/k/l.bin',
        'slashes/x/y',
        'slashes/x.y/z',
      ];
      await Promise.all(
        keys.map((key, i) => s.putObject(bucket, k(key), Buffer.from(`value ${i} of ${key}`))),
      );
      for (const [i, key] of keys.entries()) {
        expect(Buffer.from(await s.getObject(bucket, k(key))).toString()).toBe(`value ${i} of ${key}`);
        expect((await s.headObject(bucket, k(key))).size).toBe(Buffer.byteLength(`value ${i} of ${key}`));
      }
      const listed = (await collect(s.listObjects(bucket, { prefix: k('') }))).map(entryName);
      const mine = listed.filter((n) => n.startsWith(k('unicode/')) || n.startsWith(k('slashes/')));
      expect(mine).toEqual(keys.map(k).sort(listOrder));
      const top = await collect(s.listObjects(bucket, { prefix: k('slashes/'), delimiter: '/' }));
      // Membership here; the order of prefixes among objects is checked with 1,500 keys below.
      // slashes/a/ holds only deep objects.
      const prefixes = [k('slashes/x.y/'), k('slashes/x/')];
      if (!fx.quirks?.delimiterMissesDeepPrefixes) prefixes.push(k('slashes/a/'));
      expect(top.map(entryName).sort(byteOrder)).toEqual(prefixes.sort(byteOrder));
      expect(top.every((e) => e.type === 'prefix')).toBe(true);
    });

    describe('listing 1,500 keys', () => {
      // 1,100 objects directly under list/ and 4 "folders" of 100, two of them sorting after
      // object 1,000, so a delimiter listing also spans pages (S3 pages hold 1,000 entries).
      const top = Array.from({ length: 1100 }, (_, i) => `list/o${String(i).padStart(4, '0')}`);
      const folders = ['o0000x', 'o0999x', 'o1000x', 'o1099x'];
      const nested = folders.flatMap((f) =>
        Array.from({ length: 100 }, (_, i) => `list/${f}/n${String(i).padStart(3, '0')}`),
      );
      const all = [...top, ...nested];

      beforeAll(async () => {
        await pool(all, 32, (key) => s.putObject(bucket, k(key), Buffer.from(key)));
      }, slow);

      it(
        'lists every key once, in byte order, across pages',
        async () => {
          expect(all.length).toBe(1500);
          const entries = await collect(s.listObjects(bucket, { prefix: k('list/') }));
          expect(entries.every((e) => e.type === 'object')).toBe(true);
          expect(entries.map(entryName)).toEqual(all.map(k).sort(listOrder));
          const sized = entries[0];
          expect(sized?.type === 'object' && sized.size).toBe(
            Buffer.byteLength(all.slice().sort(listOrder)[0]!),
          );
        },
        slow,
      );

      it(
        'lists objects and common prefixes with a delimiter, across pages',
        async () => {
          const entries = await collect(s.listObjects(bucket, { prefix: k('list/'), delimiter: '/' }));
          const expected = [...top.map(k), ...folders.map((f) => k(`list/${f}/`))].sort(listOrder);
          expect(entries.map(entryName)).toEqual(expected);
          expect(entries.filter((e) => e.type === 'prefix').length).toBe(4);
        },
        slow,
      );

      it('lists under a prefix that is not a folder', async () => {
        const entries = await collect(s.listObjects(bucket, { prefix: k('list/o00') }));
        const expected = all.filter((key) => key.startsWith('list/o00')).map(k);
        expect(expected.length).toBe(200);
        expect(entries.map(entryName)).toEqual(expected.sort(listOrder));
      });

      it('lists lazily: stopping early is fine', async () => {
        const seen: string[] = [];
        for await (const e of s.listObjects(bucket, { prefix: k('list/') })) {
          seen.push(entryName(e));
          if (seen.length === 3) break;
        }
        expect(seen).toEqual(all.map(k).sort(listOrder).slice(0, 3));
      });

      it('lists nothing under a prefix with no keys', async () => {
        expect(await collect(s.listObjects(bucket, { prefix: k('list/none-here/') }))).toEqual([]);
      });
    });

    it(
      'deletes 1,200 keys in one call; missing keys are not an error',
      async () => {
        const keys = Array.from({ length: 1200 }, (_, i) => k(`del/d${i % 7}/key-${i}`));
        await pool(keys, 32, (key) => s.putObject(bucket, key, Buffer.from('x')));
        expect((await collect(s.listObjects(bucket, { prefix: k('del/') }))).length).toBe(1200);
        await s.deleteObjects(bucket, [...keys, k('del/never-written')]);
        expect(await collect(s.listObjects(bucket, { prefix: k('del/') }))).toEqual([]);
        const err = await caught(s.headObject(bucket, keys[599]!));
        expect(LithopsError.is(err, 'NOT_FOUND')).toBe(true);
        await s.deleteObjects(bucket, []);
      },
      slow,
    );

    it('reports a missing key as NOT_FOUND naming the key, with the SDK error as cause', async () => {
      const key = k('missing/nothing-here');
      for (const call of [
        () => s.getObject(bucket, key),
        () => s.getObject(bucket, key, { range: [0, 10] }),
        () => s.getObjectStream(bucket, key),
        () => s.headObject(bucket, key),
      ]) {
        const err = await caught(call);
        expect(LithopsError.isInstance(err), String(err)).toBe(true);
        const le = err as LithopsError;
        expect(le.code).toBe('NOT_FOUND');
        expect(le.message.startsWith(`[lithops] [${s.name}] `)).toBe(true);
        expect(le.message).toContain(key);
        expect(le.cause).toBeDefined();
        expect(le.stack).toContain('[lithops]');
      }
    });

    it('reports a missing bucket as NOT_FOUND naming the bucket', async () => {
      const missing = `lithops-missing-${randomBytes(4).toString('hex')}`;
      expect(await s.bucketExists(missing)).toBe(false);
      for (const call of [
        () => s.getObject(missing, 'a/key'),
        () => s.getObjectStream(missing, 'a/key'),
        () => s.headObject(missing, 'a/key'),
        () => s.putObject(missing, 'a/key', Buffer.from('x')),
        () => collect(s.listObjects(missing, { prefix: 'a/' })),
      ]) {
        const err = await caught(call);
        expect(LithopsError.is(err, 'NOT_FOUND'), String(err)).toBe(true);
        expect((err as Error).message).toContain(`"${missing}"`);
        expect((err as Error).message.startsWith(`[lithops] [${s.name}] `)).toBe(true);
      }
    });

    it('creates, finds and deletes a bucket', async () => {
      const b = `lithops-conf-${randomBytes(4).toString('hex')}`;
      expect(await s.bucketExists(b)).toBe(false);
      await s.createBucket(b);
      try {
        expect(await s.bucketExists(b)).toBe(true);
        await s.putObject(b, 'one', Buffer.from('1'));
        expect(Buffer.from(await s.getObject(b, 'one')).toString()).toBe('1');
        await s.deleteObjects(b, ['one']);
      } finally {
        await s.deleteBucket(b);
      }
      expect(await s.bucketExists(b)).toBe(false);
    });

    it('takes concurrent writers to different keys', async () => {
      const bodies = Array.from({ length: 48 }, (_, i) => randomBytes(1024 + i * 997));
      await Promise.all(
        bodies.map((b, i) =>
          s.putObject(
            bucket,
            k(`concurrent/${i}`),
            i % 2 ? b : Readable.from([b.subarray(0, 100), b.subarray(100)]),
          ),
        ),
      );
      const back = await Promise.all(bodies.map((_, i) => s.getObject(bucket, k(`concurrent/${i}`))));
      for (const [i, b] of back.entries()) expect(sha256(b), `object ${i}`).toBe(sha256(bodies[i]!));
    });

    it('refuses nothing silently: a failed stream body fails the put and stores nothing', async () => {
      const failing = new Readable({
        read() {
          this.push(Buffer.alloc(1024, 1));
          this.destroy(new Error('the source broke'));
        },
      });
      const err = await caught(s.putObject(bucket, k('broken/obj'), failing));
      expect(err).toBeInstanceOf(Error);
      const after = await caught(s.headObject(bucket, k('broken/obj')));
      expect(LithopsError.is(after, 'NOT_FOUND')).toBe(true);
    });
  });
}
