/** Opens bytes `[start, end)` of an object as a stream of blocks. */
export type OpenRange = (
  start: number,
  end: number,
) => AsyncIterable<Uint8Array> | Promise<AsyncIterable<Uint8Array>>;

/** Bytes read past a chunk's end in the first request, to finish its last line in one round trip. */
export const LOOKAHEAD_BYTES = 4096;
/** Follow-up requests for a very long last line grow up to this size. */
const MAX_LOOKAHEAD_BLOCK = 8 * 2 ** 20;

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/**
 * Finds the first separator starting at or after absolute offset `from` in `carry + block`, where
 * `block` starts at `blockAt` and `carry` holds the bytes just before it (fewer than the
 * separator's length, so a separator split between two blocks is seen). Returns its offset or -1.
 */
function findSeparator(carry: Buffer, block: Buffer, blockAt: number, nl: Buffer, from: number): number {
  if (carry.length > 0) {
    const head = Buffer.concat([carry, block.subarray(0, nl.length - 1)]);
    const at = blockAt - carry.length;
    const i = head.indexOf(nl, Math.max(0, from - at));
    // Only a separator that starts in the carry: one wholly inside the block is found below.
    if (i >= 0 && i < carry.length) return at + i;
  }
  const i = block.indexOf(nl, Math.max(0, from - blockAt));
  return i < 0 ? -1 : blockAt + i;
}

/**
 * Streams the bytes a chunk owns (see `alignToLines`): with a separator, from the first line that
 * starts in `[start, end)` through the end of the last one, reading from `nl.length` bytes before
 * `start` (to see whether a line starts exactly there) to the end of that last line, plus at most
 * `lookahead` bytes. Without a separator, exactly `[start, end)`.
 */
export async function* alignedBlocks(
  open: OpenRange,
  start: number,
  end: number,
  size: number,
  nl: Buffer | null,
  lookahead = LOOKAHEAD_BYTES,
): AsyncGenerator<Buffer> {
  const e = Math.min(end, size);
  if (!nl) {
    if (e > start) for await (const b of await open(start, e)) yield asBuffer(b);
    return;
  }
  if (e <= start) return;
  const L = nl.length;
  // Where the chunk's first line starts (-1: not found yet), and where its end search begins.
  let p = start === 0 ? 0 : -1;
  let endFrom = p === 0 ? Math.max(0, e - L) : -1;
  let pos = start === 0 ? 0 : Math.max(0, start - L);
  let carry: Buffer = Buffer.alloc(0);
  let reqEnd = Math.min(size, e + lookahead);
  let step = lookahead;
  while (pos < size) {
    const before = pos;
    for await (const raw of await open(pos, reqEnd)) {
      const block = asBuffer(raw);
      const at = pos;
      pos += block.length;
      let from = at;
      if (p < 0) {
        const j = findSeparator(carry, block, at, nl, 0);
        // A line starting at or after `end` belongs to the next chunk.
        if (j >= 0 ? j + L >= e : pos + 1 >= e) return;
        if (j < 0) {
          carry = nextCarry(carry, block, L);
          continue;
        }
        p = j + L;
        endFrom = Math.max(p, e - L);
        from = p;
      }
      const k = findSeparator(carry, block, at, nl, endFrom);
      if (k >= 0) {
        const q = k + L;
        if (q > from) yield block.subarray(from - at, q - at);
        return;
      }
      if (pos > from) yield block.subarray(from - at);
      carry = nextCarry(carry, block, L);
    }
    if (pos === before)
      throw new Error(
        `[lithops] [data] reading bytes ${pos}-${reqEnd} returned nothing; the object is shorter than its listed size.`,
      );
    // The last line runs past what was requested: read on, in growing steps.
    step = Math.min(step * 2, MAX_LOOKAHEAD_BLOCK);
    reqEnd = Math.min(size, pos + step);
  }
}

/** The last `L - 1` bytes seen, for separators split between blocks. */
function nextCarry(carry: Buffer, block: Buffer, L: number): Buffer {
  const keep = L - 1;
  if (keep === 0) return carry;
  if (block.length >= keep) return Buffer.from(block.subarray(block.length - keep));
  const joined = Buffer.concat([carry, block]);
  return Buffer.from(joined.subarray(Math.max(0, joined.length - keep)));
}
