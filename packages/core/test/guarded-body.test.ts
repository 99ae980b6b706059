import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readGuarded, TruncatedBodyError } from '../src/storage/guarded-body.js';
import { resumableRead } from '../src/storage/resumable-read.js';
import { StorageCalls } from '../src/storage/storage-calls.js';

const bytes = (n: number, v = 1) => Buffer.alloc(n, v);

describe('readGuarded', () => {
  it('readGuarded returns the whole body, joined once', async () => {
    const body = Readable.from([bytes(3, 1), bytes(2, 2)]);
    const got = await readGuarded(body, { expectedBytes: 5, stallMs: 1000 });
    expect([...got]).toEqual([1, 1, 1, 2, 2]);
  });

  it('readGuarded fails a body that ends short of its length (transient: read again)', async () => {
    const err = await readGuarded(Readable.from([bytes(3)]), { expectedBytes: 5, stallMs: 1000 }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(TruncatedBodyError);
    expect(err.code).toBe('ERR_STREAM_PREMATURE_CLOSE');
    expect(err.message).toContain('3 of 5 bytes');
  });

  it('readGuarded fails a body that goes quiet, and destroys it', async () => {
    const body = new PassThrough();
    body.write(bytes(4));
    const t0 = Date.now();
    const err = await readGuarded(body, { stallMs: 150 }).catch((e) => e);
    expect(err).toBeInstanceOf(TruncatedBodyError);
    expect(err.code).toBe('ETIMEDOUT');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(body.destroyed).toBe(true);
  });
});

describe('resumableRead stall guard', () => {
  const calls = new StorageCalls({
    backend: 'test',
    endpoint: 'memory',
    retry: { retries: 3, baseMs: 1, maxMs: 5 },
    classify: () => 'unavailable',
  });
  const data = Buffer.from('0123456789');
  /** Opens a range of `data`; the first body sends 4 bytes and then goes quiet. */
  function opener() {
    const opened: [number, number][] = [];
    const open = async (range: [number, number] | undefined) => {
      const [a, b] = range ?? [0, data.length - 1];
      opened.push([a, b]);
      const body = new PassThrough();
      if (opened.length === 1) body.write(data.subarray(a, a + 4));
      else body.end(data.subarray(a, b + 1));
      return { body, length: b - a + 1, etag: 'v1' };
    };
    return { opened, open };
  }

  it('cuts a body that goes quiet and resumes from the next byte', async () => {
    const { opened, open } = opener();
    const out = await resumableRead(
      calls,
      { op: 'getObjectStream', bucket: 'b', key: 'k' },
      { open, stallMs: 100 },
    );
    const chunks: Buffer[] = [];
    for await (const c of out) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('0123456789');
    expect(opened).toEqual([
      [0, 9],
      [4, 9],
    ]);
  });

  it('never cuts a body the consumer has paused', async () => {
    let opens = 0;
    const out = await resumableRead(
      calls,
      { op: 'getObjectStream', bucket: 'b', key: 'k' },
      {
        stallMs: 100,
        open: async () => {
          opens++;
          const body = new PassThrough();
          // Four chunks of the output's buffer size: the body is paused after the first until
          // the consumer reads.
          for (let i = 0; i < 4; i++) body.write(Buffer.alloc(16 * 1024, 7));
          body.end();
          return { body, length: 64 * 1024 };
        },
      },
    );
    await new Promise((r) => setTimeout(r, 350));
    let n = 0;
    for await (const c of out) n += (c as Buffer).length;
    expect(n).toBe(64 * 1024);
    expect(opens).toBe(1);
  });
});
