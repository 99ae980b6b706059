import { createReadStream } from 'node:fs';
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

/** How to read ranges of a chunk's object: through the job's storage, HTTP, or a local file. */
export function openerFor(source: ChunkSource, storage: () => StorageBackend): OpenRange {
  switch (source.kind) {
    case 'object':
      return async (start, end) => {
        // ctx.storage may still be starting in the call thread: its name is known once ready.
        const s = await whenReady(storage());
        if (s.name !== source.backend) {
          throw new LithopsError(
            'INVALID_ARGUMENT',
            `${source.backend}://${source.bucket}/${source.key} is not in this job's storage backend "${s.name}".`,
            { backend: 'data', hint: 'A job reads one storage backend (plus HTTP and local files).' },
          );
        }
        return s.getObjectStream(source.bucket, source.key, { range: [start, end - 1] });
      };
    case 'http':
      return openHttp(source.url);
    case 'file':
      return (start, end) =>
        createReadStream(source.path, { start, end: end - 1, highWaterMark: FILE_READ_BLOCK });
  }
}
