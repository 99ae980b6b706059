import { Readable } from 'node:stream';
import type { StorageBackend } from '../plugin/storage-backend.js';
import { alignedBlocks, LOOKAHEAD_BYTES, type OpenRange } from './aligned-reader.js';
import { openerFor, type ReadRange, readerFor, readerOver } from './chunk-source.js';
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
    private readonly read: ReadRange,
    private readonly lookahead = LOOKAHEAD_BYTES,
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
    return alignedBlocks(this.open, this.range[0], this.range[1], this.size, this.nl, this.lookahead);
  }

  stream(): Readable {
    return Readable.from(this.blocks(), { objectMode: false });
  }

  /**
   * One read of the range plus the look-ahead, then the owned lines are cut out of it (a view,
   * no copy). Only a last line longer than the look-ahead takes the streaming path.
   */
  async bytes(): Promise<Buffer> {
    const [start, end] = this.range;
    const e = Math.min(end, this.size);
    const nl = this.nl;
    if (!nl) return this.read(start, e);
    if (e <= start) return Buffer.alloc(0);
    const L = nl.length;
    const from = start === 0 ? 0 : Math.max(0, start - L);
    const to = Math.min(this.size, e + this.lookahead);
    const buf = await this.read(from, to);
    let p = 0;
    if (start > 0) {
      const j = buf.indexOf(nl);
      // No line starts in [start, end): the chunk is empty (it lies inside one long line).
      if (j < 0 || from + j + L >= e) return Buffer.alloc(0);
      p = from + j + L;
    }
    const k = buf.indexOf(nl, Math.max(p, e - L) - from);
    if (k >= 0) return buf.subarray(p - from, k + L);
    if (from + buf.length >= this.size) return buf.subarray(p - from);
    return this.streamBytes();
  }

  private async streamBytes(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const b of this.blocks()) parts.push(b);
    return Buffer.concat(parts);
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
  return new ChunkReader(d, openerFor(d.source, storage), readerFor(d.source, storage));
}

/** @internal A chunk over any opener, with a given look-ahead (tests read through it directly). */
export function objectChunkOver(d: ChunkDescriptor, open: OpenRange, lookahead?: number): ObjectChunk {
  return new ChunkReader(d, open, readerOver(open), lookahead);
}
