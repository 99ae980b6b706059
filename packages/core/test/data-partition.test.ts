import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignedBlocks, type OpenRange } from '../src/data/aligned-reader.js';
import { DATA_MARK } from '../src/data/descriptor.js';
import { objectChunkOver } from '../src/data/object-chunk.js';
import { alignToLines, newlineBytes, partitionRanges } from '../src/data/partition.js';

/** The file's lines by a plain split: what every way of chunking must give back, in order. */
function fileLines(text: string, nl: string): string[] {
  if (text === '') return [];
  const parts = text.split(nl);
  if (parts[parts.length - 1] === '') parts.pop();
  return nl === '\n' ? parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)) : parts;
}

/** Serves ranges of an in-memory file in blocks of `block` bytes, as a stream would. */
function memoryOpener(bytes: Buffer, block: number): OpenRange & { reads: number } {
  const open = Object.assign(
    async function* (start: number, end: number) {
      open.reads++;
      for (let i = start; i < end; i += block) yield bytes.subarray(i, Math.min(end, i + block));
    },
    { reads: 0 },
  );
  return open;
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of it) parts.push(Buffer.from(b));
  return Buffer.concat(parts);
}

// Random files: lines of ASCII, multi-byte characters, stray \r and separators-to-be, joined by
// \n, \r\n or a mix, with or without a final separator.
const lineArb = fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'é', '€', '\r', 'x'), maxLength: 12 });
const fileArb = fc
  .record({
    lines: fc.array(lineArb, { maxLength: 40 }),
    style: fc.constantFrom('\n', '\r\n', 'mixed'),
    trailing: fc.boolean(),
    seed: fc.integer(),
  })
  .map(({ lines, style, trailing, seed }) => {
    let text = '';
    lines.forEach((l, i) => {
      const sep = style === 'mixed' ? ((seed >> (i % 30)) & 1 ? '\r\n' : '\n') : style;
      text += l + (i < lines.length - 1 || trailing ? sep : '');
    });
    return text;
  });
const splitArb = fc.oneof(
  fc.record({ chunkSize: fc.integer({ min: 1, max: 80 }) }),
  fc.record({ chunkNumber: fc.integer({ min: 1, max: 25 }) }),
);

describe('partitionRanges', () => {
  it('covers the object with contiguous ranges; objChunkNumber gives exactly N parts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), splitArb, (size, split) => {
        const ranges = partitionRanges(size, { ...split, minChunkSize: 1 });
        expect(ranges[0]![0]).toBe(0);
        expect(ranges.at(-1)![1]).toBe(size);
        for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1]);
        if ('chunkNumber' in split) expect(ranges).toHaveLength(split.chunkNumber);
        else for (const [s, e] of ranges.slice(0, -1)) expect(e - s).toBe(split.chunkSize);
      }),
    );
  });

  it('makes one range per object without options, also for an empty object', () => {
    expect(partitionRanges(0)).toEqual([[0, 0]]);
    expect(partitionRanges(5 * 2 ** 20)).toEqual([[0, 5 * 2 ** 20]]);
    expect(partitionRanges(3 * 2 ** 20 + 1, { chunkSize: 2 ** 20 })).toHaveLength(4);
    expect(partitionRanges(10, { chunkSize: 2 ** 20, chunkNumber: 2 })).toEqual([
      [0, 5],
      [5, 10],
    ]);
  });

  it('refuses chunk sizes under 1 MiB and bad chunk numbers with INVALID_ARGUMENT', () => {
    expect(() => partitionRanges(10, { chunkSize: 1000 })).toThrow(
      /objChunkSize must be an integer of at least 1048576/,
    );
    expect(() => partitionRanges(10, { chunkNumber: 0 })).toThrow(
      /objChunkNumber must be a positive integer/,
    );
    expect(() => partitionRanges(10, { chunkSize: 2 ** 20 + 0.5 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('refuses empty and self-overlapping separators', () => {
    expect(() => newlineBytes('')).toThrow(/non-empty/);
    expect(() => newlineBytes('aa')).toThrow(/overlaps itself/);
    expect(newlineBytes(null)).toBeNull();
    expect(newlineBytes(undefined)).toEqual(Buffer.from('\n'));
  });
});

describe('line alignment (property)', () => {
  it('alignToLines: every line is read by exactly one chunk, for \\n and \\r\\n separators', () => {
    fc.assert(
      fc.property(fileArb, splitArb, fc.constantFrom('\n', '\r\n'), (text, split, nlStr) => {
        const bytes = Buffer.from(text);
        const nl = newlineBytes(nlStr)!;
        const ranges = partitionRanges(bytes.length, { ...split, minChunkSize: 1 });
        const owned = ranges.map(([s, e]) => alignToLines(bytes, s, e, nl));
        // Contiguous and complete: the chunks' bytes put together are the file.
        let at = 0;
        for (const [p, q] of owned) {
          if (p === q) continue;
          expect(p).toBe(at);
          at = q;
        }
        expect(at).toBe(bytes.length);
        const lines = owned.flatMap(([p, q]) => fileLines(bytes.subarray(p, q).toString(), nlStr));
        expect(lines).toEqual(fileLines(text, nlStr));
      }),
      { numRuns: 500 },
    );
  });

  it('the streaming reader agrees with alignToLines, whatever the block and look-ahead sizes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fileArb,
        splitArb,
        fc.constantFrom('\n', '\r\n'),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 6 }),
        async (text, split, nlStr, block, lookahead) => {
          const bytes = Buffer.from(text);
          const nl = newlineBytes(nlStr)!;
          const open = memoryOpener(bytes, block);
          for (const [s, e] of partitionRanges(bytes.length, { ...split, minChunkSize: 1 })) {
            const [p, q] = alignToLines(bytes, s, e, nl);
            const got = await collect(alignedBlocks(open, s, e, bytes.length, nl, lookahead));
            expect(got.toString('latin1')).toBe(bytes.subarray(p, q).toString('latin1'));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('ObjectChunk bytes() and lines() over all chunks give the file; objNewline null gives exact ranges', async () => {
    await fc.assert(
      fc.asyncProperty(
        fileArb,
        splitArb,
        fc.constantFrom<string | null>('\n', '\r\n', null),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 12 }),
        async (text, split, newline, block, lookahead) => {
          const bytes = Buffer.from(text);
          const ranges = partitionRanges(bytes.length, { ...split, minChunkSize: 1 });
          const open = memoryOpener(bytes, block);
          const chunks = ranges.map((r, i) =>
            objectChunkOver(
              {
                [DATA_MARK]: 'chunk',
                source: { kind: 'file', path: '/mem' },
                size: bytes.length,
                partIndex: i,
                partCount: ranges.length,
                range: [r[0], r[1]],
                newline,
              },
              open,
              lookahead,
            ),
          );
          // bytes() reads range + look-ahead in one piece (streaming when the last line is longer).
          const parts = await Promise.all(chunks.map((c) => c.bytes()));
          const streamed = await Promise.all(chunks.map((c) => collect(c.stream())));
          expect(Buffer.concat(streamed).equals(bytes)).toBe(true);
          expect(Buffer.concat(parts).equals(bytes)).toBe(true);
          if (newline === null) {
            for (const [i, p] of parts.entries()) expect(p.length).toBe(ranges[i]![1] - ranges[i]![0]);
            return;
          }
          const lines: string[] = [];
          for (const c of chunks) for await (const l of c.lines()) lines.push(l);
          expect(lines).toEqual(fileLines(text, newline));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads a chunk plus one line of look-ahead, not the rest of the object', async () => {
    const line = `${'w '.repeat(49)}w\n`; // 100 bytes
    const bytes = Buffer.from(line.repeat(10_000)); // 1,000,000 bytes
    let read = 0;
    const open: OpenRange = async function* (start, end) {
      read += end - start;
      yield bytes.subarray(start, end);
    };
    const got = await collect(alignedBlocks(open, 250_050, 500_050, bytes.length, Buffer.from('\n'), 4096));
    expect(got.length).toBe(250_000);
    expect(got.subarray(0, 100).toString()).toBe(line);
    expect(read).toBeLessThanOrEqual(250_000 + 1 + 4096);
    // A last line longer than the look-ahead is read on in growing steps, to its end only.
    const long = Buffer.concat([Buffer.from('a\n'), Buffer.alloc(50_000, 'x'), Buffer.from('\nrest\n')]);
    const g2 = await collect(
      alignedBlocks(
        async function* (s, e) {
          yield long.subarray(s, e);
        },
        0,
        3,
        long.length,
        Buffer.from('\n'),
        16,
      ),
    );
    expect(g2.length).toBe(50_003);
  });
});
