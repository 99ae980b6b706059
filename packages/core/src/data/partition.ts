import { LithopsError } from '../errors.js';

/** Smallest `objChunkSize` a user may ask for (as Lithops): smaller chunks cost more than they give. */
const MIN_CHUNK_SIZE = 2 ** 20;

/** A byte range `[start, end)` of an object (end exclusive). */
export type ChunkRange = readonly [start: number, end: number];

export interface PartitionOptions {
  /** Bytes per chunk. */
  chunkSize?: number | undefined;
  /** Chunks per object; wins over `chunkSize` when both are set. */
  chunkNumber?: number | undefined;
  /** @internal Lowest accepted `chunkSize`; property tests lower it to split tiny files. */
  minChunkSize?: number;
}

function invalid(message: string, hint: string): LithopsError {
  return new LithopsError('INVALID_ARGUMENT', message, { hint });
}

/** Checks `objChunkSize` / `objChunkNumber` before anything is listed or invoked. */
export function checkPartitionOptions(opts: PartitionOptions): void {
  const { chunkSize, chunkNumber } = opts;
  if (chunkNumber !== undefined) {
    if (!Number.isSafeInteger(chunkNumber) || chunkNumber < 1)
      throw invalid(
        `objChunkNumber must be a positive integer, got ${JSON.stringify(chunkNumber)}.`,
        'Pass the number of chunks to split each object into, or leave it unset for one call per object.',
      );
    return;
  }
  if (chunkSize === undefined) return;
  const min = opts.minChunkSize ?? MIN_CHUNK_SIZE;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < min)
    throw invalid(
      `objChunkSize must be an integer of at least ${min} bytes (1 MiB), got ${JSON.stringify(chunkSize)}.`,
      'Use objChunkSize >= 1048576, or objChunkNumber to split each object into N parts.',
    );
}

/**
 * The nominal byte ranges of one object of `size` bytes: `chunkNumber` equal parts (exactly that
 * many, some empty when the object is smaller), else `chunkSize`-byte parts, else the whole
 * object. An empty object still gets one (empty) part, so every object gets a call.
 */
export function partitionRanges(size: number, opts: PartitionOptions = {}): ChunkRange[] {
  checkPartitionOptions(opts);
  if (opts.chunkNumber !== undefined) {
    const n = opts.chunkNumber;
    const out: ChunkRange[] = [];
    // Boundaries spread the remainder over the parts instead of piling it on the last one.
    for (let i = 0; i < n; i++) out.push([Math.floor((i * size) / n), Math.floor(((i + 1) * size) / n)]);
    return out;
  }
  const cs = opts.chunkSize;
  if (cs === undefined || size <= cs) return [[0, size]];
  const out: ChunkRange[] = [];
  for (let s = 0; s < size; s += cs) out.push([s, Math.min(size, s + cs)]);
  return out;
}

/**
 * Validates `objNewline` and returns its UTF-8 bytes (null: exact byte ranges). A separator that
 * overlaps itself ("aa") has no local notion of where a line starts, so it is refused.
 */
export function newlineBytes(newline: string | null | undefined): Buffer | null {
  if (newline === null) return null;
  const nl = Buffer.from(newline ?? '\n', 'utf8');
  if (nl.length === 0 || nl.length > 16)
    throw invalid(
      `objNewline must be a non-empty string of at most 16 bytes, or null, got ${JSON.stringify(newline)}.`,
      "Use '\\n' (the default), '\\r\\n', another record separator, or null for exact byte ranges.",
    );
  for (let k = 1; k < nl.length; k++) {
    if (nl.subarray(0, k).equals(nl.subarray(nl.length - k)))
      throw invalid(
        `objNewline ${JSON.stringify(newline)} overlaps itself, so a chunk cannot tell where its first line starts.`,
        'Use a separator whose start does not repeat at its end.',
      );
  }
  return nl;
}

/** True when a line starts at `pos`: the file start, or right after a separator. */
function isLineStart(bytes: Uint8Array, pos: number, nl: Uint8Array): boolean {
  if (pos === 0) return true;
  if (pos < nl.length) return false;
  for (let k = 0; k < nl.length; k++) if (bytes[pos - nl.length + k] !== nl[k]) return false;
  return true;
}

/**
 * The bytes `[p, q)` a chunk with nominal range `[start, end)` owns: every line whose first byte
 * lies in `[start, end)`, whole. A line belongs to the one chunk holding its first byte, so each
 * line is read once. `p === q` when no line starts in the range. This is the reference the
 * streaming reader (aligned-reader.ts) must agree with; it needs the whole object in memory.
 */
export function alignToLines(
  bytes: Uint8Array,
  start: number,
  end: number,
  nl: Uint8Array,
): [number, number] {
  const size = bytes.length;
  const e = Math.min(end, size);
  let p = start;
  while (p < e && !isLineStart(bytes, p, nl)) p++;
  if (p >= e) return [e, e];
  let q = e;
  while (q < size && !isLineStart(bytes, q, nl)) q++;
  return [p, q];
}
