import { createReadStream } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { LithopsError } from '../errors.js';
import type { StorageBackend } from '../plugin/storage-backend.js';
import { whenReady } from '../storage/lazy-backend.js';
import type { OpenRange } from './aligned-reader.js';
import type { ChunkSource } from './descriptor.js';

/** Bigger reads than the stream default: fewer turns of the loop per MiB. */
const FILE_READ_BLOCK = 256 * 1024;

/** Reads a byte range over HTTP(S); a server that ignores `Range` is read past the skipped bytes. */
function openHttp(url: string): OpenRange {
  return async function* (start, end) {
    const res = await fetch(url, { headers: { range: `bytes=${start}-${end - 1}` } });
    if (res.status !== 206 && res.status !== 200) {
      await res.body?.cancel();
      throw new LithopsError(
        res.status === 404 ? 'NOT_FOUND' : res.status === 403 ? 'ACCESS_DENIED' : 'UNAVAILABLE',
        `GET ${url} (bytes ${start}-${end - 1}) answered HTTP ${res.status}.`,
        { backend: 'http', hint: 'Check the URL and that the server allows ranged GETs.' },
      );
    }
    if (!res.body) return;
    let skip = res.status === 200 ? start : 0;
    let left = end - start;
    for await (const raw of res.body as AsyncIterable<Uint8Array>) {
      let b = raw;
      if (skip > 0) {
        const n = Math.min(skip, b.length);
        skip -= n;
        b = b.subarray(n);
      }
      if (b.length === 0) continue;
      if (b.length >= left) {
        yield b.subarray(0, left);
        return;
      }
      left -= b.length;
      yield b;
    }
  };
}

/** Reads bytes `[start, end)` of an object in one piece. */
export type ReadRange = (start: number, end: number) => Promise<Buffer>;

async function collect(blocks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of blocks)
    parts.push(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** A one-piece read over an opener (what HTTP and tests use). */
export function readerOver(open: OpenRange): ReadRange {
  return async (start, end) => (end > start ? collect(await open(start, end)) : Buffer.alloc(0));
}

async function readFileRange(path: string, start: number, end: number): Promise<Buffer> {
  const fh = await openFile(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(end - start);
    let n = 0;
    while (n < buf.length) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, start + n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return buf.subarray(0, n);
  } finally {
    await fh.close();
  }
}

/**
 * Whole-range reads: one ranged GET (or one file read) straight into one buffer, without the
 * per-block turns of a stream; what `ObjectChunk.bytes()` uses.
 */
export function readerFor(source: ChunkSource, storage: () => StorageBackend): ReadRange {
  switch (source.kind) {
    case 'object':
      return async (start, end) => {
        if (end <= start) return Buffer.alloc(0);
        const s = await checkedStorage(source, storage);
        const u = await s.getObject(source.bucket, source.key, { range: [start, end - 1] });
        return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
      };
    case 'http':
      return readerOver(openHttp(source.url));
    case 'file':
      return (start, end) =>
        end > start ? readFileRange(source.path, start, end) : Promise.resolve(Buffer.alloc(0));
  }
}

async function checkedStorage(
  source: Extract<ChunkSource, { kind: 'object' }>,
  storage: () => StorageBackend,
): Promise<StorageBackend> {
  // ctx.storage may still be starting in the call thread: its name is known once ready.
  const s = await whenReady(storage());
  if (s.name !== source.backend) {
    throw new LithopsError(
      'INVALID_ARGUMENT',
      `${source.backend}://${source.bucket}/${source.key} is not in this job's storage backend "${s.name}".`,
      { backend: 'data', hint: 'A job reads one storage backend (plus HTTP and local files).' },
    );
  }
  return s;
}

/** How to stream ranges of a chunk's object: through the job's storage, HTTP, or a local file. */
export function openerFor(source: ChunkSource, storage: () => StorageBackend): OpenRange {
  switch (source.kind) {
    case 'object':
      return async (start, end) =>
        (await checkedStorage(source, storage)).getObjectStream(source.bucket, source.key, {
          range: [start, end - 1],
        });
    case 'http':
      return openHttp(source.url);
    case 'file':
      return (start, end) =>
        createReadStream(source.path, { start, end: end - 1, highWaterMark: FILE_READ_BLOCK });
  }
}
