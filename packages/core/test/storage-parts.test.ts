import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type PartUploader, readParts, uploadInParts } from '../src/storage/parts.js';

const hash = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function partsOf(body: Uint8Array | Readable, size: number): Promise<number[]> {
  const out: number[] = [];
  for await (const p of readParts(body, size)) out.push(p.length);
  return out;
}

/** Records calls and keeps parts, checking the result is the body (no mock server: a plain recorder). */
function recorder(opts: { failPart?: number; delayMs?: number } = {}) {
  const log: string[] = [];
  const parts = new Map<number, Uint8Array>();
  let inflight = 0;
  let maxInflight = 0;
  let stored: Uint8Array | undefined;
  const up: PartUploader<string> = {
    async putSingle(body) {
      log.push(`single:${body.length}`);
      stored = body;
    },
    async start() {
      log.push('start');
      return 'upload-1';
    },
    async uploadPart(id, n, body) {
      inflight++;
      maxInflight = Math.max(maxInflight, inflight);
      await new Promise((r) => setTimeout(r, opts.delayMs ?? 1));
      inflight--;
      if (n === opts.failPart) throw new Error(`part ${n} failed`);
      parts.set(n, Buffer.from(body));
      return `${id}-etag-${n}`;
    },
    async complete(_id, done) {
      log.push(`complete:${done.map((d) => d.partNumber).join(',')}`);
      stored = Buffer.concat(done.map((d) => parts.get(d.partNumber)!));
    },
    async abort(id) {
      log.push(`abort:${id}`);
    },
  };
  return { up, log, stored: () => stored, maxInflight: () => maxInflight };
}

describe('readParts', () => {
  it('cuts bytes and uneven streams into exact parts', async () => {
    expect(await partsOf(new Uint8Array(25), 10)).toEqual([10, 10, 5]);
    expect(await partsOf(new Uint8Array(20), 10)).toEqual([10, 10]);
    expect(await partsOf(new Uint8Array(0), 10)).toEqual([0]);
    expect(
      await partsOf(Readable.from([Buffer.alloc(3), Buffer.alloc(14), Buffer.alloc(1), 'abcdefg']), 10),
    ).toEqual([10, 10, 5]);
    expect(await partsOf(Readable.from([]), 10)).toEqual([0]);
  });
});

describe('uploadInParts', () => {
  it('uses one put for a body that fits in one part', async () => {
    const r = recorder();
    await uploadInParts(Readable.from([Buffer.alloc(7)]), { partSize: 10 }, r.up);
    expect(r.log).toEqual(['single:7']);
    const r2 = recorder();
    await uploadInParts(Readable.from([]), { partSize: 10 }, r2.up);
    expect(r2.log).toEqual(['single:0']);
  });

  it('puts bytes up to singlePutMax in one request, and streams of that size in parts', async () => {
    const r = recorder();
    await uploadInParts(randomBytes(300), { partSize: 100, singlePutMax: 300 }, r.up);
    expect(r.log).toEqual(['single:300']);
    const r2 = recorder();
    await uploadInParts(randomBytes(301), { partSize: 100, singlePutMax: 300 }, r2.up);
    expect(r2.log).toEqual(['start', 'complete:1,2,3,4']);
    const r3 = recorder();
    await uploadInParts(Readable.from([randomBytes(300)]), { partSize: 100, singlePutMax: 300 }, r3.up);
    expect(r3.log).toEqual(['start', 'complete:1,2,3']);
  });

  it('uploads a stream in ordered parts with bounded concurrency', async () => {
    const body = randomBytes(1000);
    const r = recorder({ delayMs: 5 });
    await uploadInParts(
      Readable.from([body.subarray(0, 333), body.subarray(333)]),
      { partSize: 64, concurrency: 3 },
      r.up,
    );
    expect(r.log[0]).toBe('start');
    expect(r.log[1]).toBe(`complete:${Array.from({ length: 16 }, (_, i) => i + 1).join(',')}`);
    expect(hash(r.stored()!)).toBe(hash(body));
    expect(r.maxInflight()).toBeLessThanOrEqual(3);
    expect(r.maxInflight()).toBeGreaterThan(1);
  });

  it('aborts the upload when a part fails and throws that error', async () => {
    const r = recorder({ failPart: 3 });
    await expect(uploadInParts(randomBytes(500), { partSize: 100 }, r.up)).rejects.toThrow('part 3 failed');
    expect(r.log).toEqual(['start', 'abort:upload-1']);
  });
});
