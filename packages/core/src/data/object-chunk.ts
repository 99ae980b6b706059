import { Readable } from 'node:stream';
import type { StorageBackend } from '../plugin/storage-backend.js';
import { alignedBlocks, LOOKAHEAD_BYTES, type OpenRange } from './aligned-reader.js';
import { openerFor } from './chunk-source.js';
import type { ChunkDescriptor, ChunkSource } from './descriptor.js';
import { splitLines } from './lines.js';
import { newlineBytes } from './partition.js';

/**
 * One part of an object, as a function gets it for data inputs (`objects(...)`, `CloudObject`s).
 * With `objNewline` (default `\n`) a chunk holds whole lines: those starting in `range`, the last
 * one read to its end. Every read streams from the source again; nothing is kept in memory
 * beyond the chunk plus one line of look-ahead.
 */
export interface ObjectChunk {
  /** Where the object is: `<backend>://bucket/key`, an `http(s)://` URL or a local path. */
  readonly location: string;
  /** Bucket of a storage object; empty for HTTP and local files. */
  readonly bucket: string;
  /** Key of a storage object; the URL or path otherwise. */
  readonly key: string;
  /** Index of this part in its object (0-based). */
  readonly partIndex: number;
  /** Parts the object was split into. */
  readonly partCount: number;
  /** Nominal byte range `[start, end)` (end exclusive) the partitioner assigned to this part. */
  readonly range: readonly [start: number, end: number];
  /** Size of the whole object in bytes. */
  readonly size: number;
  /** The chunk's bytes as a stream. */
  stream(): Readable;
  bytes(): Promise<Buffer>;
  /** The chunk decoded as UTF-8. */
  text(): Promise<string>;
  /** The chunk's lines, without separators (and without `\r` before a `\n`). */
  lines(): AsyncIterableIterator<string>;
}

function locationOf(s: ChunkSource): { location: string; bucket: string; key: string } {
  if (s.kind === 'object')
    return { location: `${s.backend}://${s.bucket}/${s.key}`, bucket: s.bucket, key: s.key };
  const where = s.kind === 'http' ? s.url : s.path;
  return { location: where, bucket: '', key: where };
}

class ChunkReader implements ObjectChunk {
  readonly location: string;
  readonly bucket: string;
  readonly key: string;
  readonly partIndex: number;
  readonly partCount: number;
  readonly range: readonly [number, number];
  readonly size: number;
  private readonly nl: Buffer | null;

  constructor(
    d: ChunkDescriptor,
    private readonly open: OpenRange,
  ) {
    const where = locationOf(d.source);
    this.location = where.location;
    this.bucket = where.bucket;
    this.key = where.key;
    this.partIndex = d.partIndex;
    this.partCount = d.partCount;
    this.range = [d.range[0], d.range[1]];
    this.size = d.size;
    this.nl = newlineBytes(d.newline);
  }

  private blocks(): AsyncGenerator<Buffer> {
    return alignedBlocks(this.open, this.range[0], this.range[1], this.size, this.nl);
  }

  stream(): Readable {
    return Readable.from(this.blocks(), { objectMode: false });
  }

  async bytes(): Promise<Buffer> {
    // One buffer sized for the usual case (the range plus a short last line), grown if needed:
    // no second copy of the whole chunk.
    let buf = Buffer.allocUnsafe(Math.max(0, this.range[1] - this.range[0]) + LOOKAHEAD_BYTES);
    let n = 0;
    for await (const b of this.blocks()) {
      if (n + b.length > buf.length) {
        const next = Buffer.allocUnsafe(Math.max(buf.length * 2, n + b.length));
        buf.copy(next, 0, 0, n);
        buf = next;
      }
      b.copy(buf, n);
      n += b.length;
    }
    return buf.subarray(0, n);
  }

  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8');
  }

  lines(): AsyncIterableIterator<string> {
    return splitLines(this.blocks(), this.nl ?? Buffer.from('\n'));
  }

  toString(): string {
    return `<ObjectChunk ${this.location} part ${this.partIndex + 1}/${this.partCount} [${this.range[0]}, ${this.range[1]})>`;
  }

  toJSON(): Record<string, unknown> {
    const { location, bucket, key, partIndex, partCount, range, size } = this;
    return { location, bucket, key, partIndex, partCount, range, size };
  }
}

/** The chunk a function gets for a descriptor; `storage` is the job's storage (ctx.storage). */
export function objectChunk(d: ChunkDescriptor, storage: () => StorageBackend): ObjectChunk {
  return new ChunkReader(d, openerFor(d.source, storage));
}

/** @internal A chunk over any opener (tests read through it directly). */
export function objectChunkOver(d: ChunkDescriptor, open: OpenRange): ObjectChunk {
  return new ChunkReader(d, open);
}
