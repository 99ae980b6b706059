import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { guardBody, readGuarded, TruncatedBodyError } from '../src/storage/guarded-body.js';

const bytes = (n: number, v = 1) => Buffer.alloc(n, v);

describe('download body guards', () => {
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

  it('guardBody passes a stream through and fails it when it goes quiet', async () => {
    const source = new PassThrough();
    const guarded = guardBody(source, { stallMs: 150 });
    source.write(bytes(2));
    const chunks: Buffer[] = [];
    const err = await (async () => {
      for await (const c of guarded) chunks.push(c as Buffer);
    })().catch((e) => e);
    expect(Buffer.concat(chunks).length).toBe(2);
    expect(err).toBeInstanceOf(TruncatedBodyError);
    expect(err.code).toBe('ETIMEDOUT');
  });
});
