import { Readable } from 'node:stream';

/**
 * The first `n` bytes of a stream, then end (the source is destroyed). For servers that send more
 * than the range asked for (s3rver answers `bytes=0-0` with the whole object).
 */
export function takeBytes(source: Readable, n: number): Readable {
  let left = n;
  const out = new Readable({
    read() {
      source.resume();
    },
    destroy(err, cb) {
      source.destroy();
      cb(err);
    },
  });
  source.on('data', (chunk: Buffer) => {
    if (left <= 0) return;
    const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
    left -= part.length;
    if (!out.push(part)) source.pause();
    if (left === 0) {
      out.push(null);
      source.destroy();
    }
  });
  source.once('end', () => {
    if (left > 0) out.push(null);
  });
  source.on('error', (e) => {
    if (left > 0) out.destroy(e);
  });
  if (n === 0) {
    out.push(null);
    source.destroy();
  }
  return out;
}

/** All of a stream's bytes, in one buffer. */
export async function readAll(source: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of source) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
