import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { takeBytes } from '../src/storage/streams.js';

async function all(r: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of r) out.push(c);
  return Buffer.concat(out);
}

describe('takeBytes', () => {
  it('gives the first n bytes across chunks and stops the source', async () => {
    const src = Readable.from([Buffer.from('abc'), Buffer.from('defg'), Buffer.from('hij')]);
    expect((await all(takeBytes(src, 5))).toString()).toBe('abcde');
    await new Promise((r) => setImmediate(r));
    expect(src.destroyed).toBe(true);
  });

  it('gives a shorter source whole, and nothing for n = 0', async () => {
    expect((await all(takeBytes(Readable.from([Buffer.from('ab')]), 10))).toString()).toBe('ab');
    expect((await all(takeBytes(Readable.from([Buffer.from('ab')]), 0))).length).toBe(0);
  });

  it('passes on a source error that comes before n bytes', async () => {
    const src = new Readable({
      read() {
        this.push(Buffer.from('x'));
        this.destroy(new Error('broken'));
      },
    });
    await expect(all(takeBytes(src, 10))).rejects.toThrow('broken');
  });
});
