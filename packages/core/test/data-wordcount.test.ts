import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionExecutor, type ObjectChunk, objects } from '@lithops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const storageDir = mkdtempSync(join(tmpdir(), 'lithops-data-wc-'));
const fexec = new FunctionExecutor({
  config: {
    lithops: { backend: 'localhost', storage: 'localhost' },
    localhost: { worker_processes: 2, storage_dir: storageDir },
  },
});
afterAll(() => fexec.close());
const quiet = { showProgressbar: false };

/** Deterministic text: words of 1-9 letters, lines of 0-14 words, CRLF in one file, no final newline in another. */
function makeText(bytes: number, seed: number, crlf: boolean, trailing: boolean) {
  let x = seed;
  const rnd = (n: number) => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % n;
  };
  const lines: string[] = [];
  let size = 0;
  let words = 0;
  while (size < bytes) {
    const n = rnd(15);
    const ws: string[] = [];
    for (let i = 0; i < n; i++)
      ws.push('abcdefghijklmnopqrstuvwxyzé'.slice(rnd(20), 20 + rnd(7)).slice(0, 1 + rnd(9)));
    words += n;
    const line = ws.join(rnd(5) === 0 ? '  ' : ' ');
    lines.push(line);
    size += Buffer.byteLength(line) + (crlf ? 2 : 1);
  }
  const text = lines.join(crlf ? '\r\n' : '\n') + (trailing ? (crlf ? '\r\n' : '\n') : '');
  return { text, words, lines: lines.length };
}

const files = [
  { key: 'books/a.txt', ...makeText(2.5 * 2 ** 20, 1, false, true) },
  { key: 'books/b.txt', ...makeText(4 * 2 ** 20 + 123, 2, true, true) },
  { key: 'books/c.txt', ...makeText(3.2 * 2 ** 20, 3, false, false) },
];
const totalWords = files.reduce((a, f) => a + f.words, 0);
const totalLines = files.reduce((a, f) => a + f.lines, 0);

// Shipped by source (self-contained): counts the words and lines of one chunk.
const countChunk = async (chunk: ObjectChunk) => {
  let words = 0;
  let lines = 0;
  for await (const line of chunk.lines()) {
    lines++;
    for (const w of line.split(' ')) if (w !== '') words++;
  }
  return { key: chunk.key, part: chunk.partIndex, parts: chunk.partCount, words, lines };
};
const sum = (rs: { words: number; lines: number }[]) =>
  rs.reduce((a, r) => ({ words: a.words + r.words, lines: a.lines + r.lines }), { words: 0, lines: 0 });

beforeAll(async () => {
  const storage = await fexec.getStorage();
  for (const f of files) await storage.putObject('storage', f.key, f.text);
});

describe('word count over a prefix (localhost storage)', () => {
  for (const [name, opts, parts] of [
    ['objChunkSize 1 MiB', { objChunkSize: 2 ** 20 }, [3, 5, 4]],
    ['objChunkSize 3 MiB', { objChunkSize: 3 * 2 ** 20 }, [1, 2, 2]],
    ['objChunkNumber 7', { objChunkNumber: 7 }, [7, 7, 7]],
    ['objChunkNumber 7 wins over objChunkSize', { objChunkNumber: 7, objChunkSize: 2 ** 20 }, [7, 7, 7]],
  ] as const) {
    it(`${name}: totals equal the in-process count`, async () => {
      const fs = await fexec.map(countChunk, objects('localhost://storage/books/'), opts);
      const rs = await fexec.getResult(fs, quiet);
      expect(rs.map((r) => r.parts)).toEqual(parts.flatMap((n) => Array(n).fill(n)));
      expect(sum(rs)).toEqual({ words: totalWords, lines: totalLines });
      for (const f of files) {
        const mine = rs.filter((r) => r.key === f.key);
        expect(mine.map((r) => r.part)).toEqual(mine.map((_, i) => i));
        expect(sum(mine)).toEqual({ words: f.words, lines: f.lines });
      }
    });
  }

  it('mapReduce with objReduceByKey gives one result per file, in object order', async () => {
    const fs = await fexec.mapReduce(
      countChunk,
      objects('storage/books/'),
      (rs: { words: number; lines: number; part: number }[], ctx) => ({
        words: rs.reduce((a, r) => a + r.words, 0),
        lines: rs.reduce((a, r) => a + r.lines, 0),
        parts: rs.map((r) => r.part),
        tag: ctx.extraArgs,
      }),
      { objChunkSize: 2 ** 20, objReduceByKey: true, extraArgsReduce: 'reduced' },
    );
    expect(fs).toHaveLength(3);
    const out = await fexec.getResult(fs, quiet);
    expect(out).toEqual([
      { words: files[0]!.words, lines: files[0]!.lines, parts: [0, 1, 2], tag: 'reduced' },
      { words: files[1]!.words, lines: files[1]!.lines, parts: [0, 1, 2, 3, 4], tag: 'reduced' },
      { words: files[2]!.words, lines: files[2]!.lines, parts: [0, 1, 2, 3], tag: 'reduced' },
    ]);
    expect(fs.mapFutures).toHaveLength(12);
  });

  it('mapReduce with one reducer sums every chunk, results in call order', async () => {
    const f = await fexec.mapReduce(
      countChunk,
      objects(['storage/books/a.txt', 'storage/books/c.txt']),
      (rs: { words: number; key: string }[]) => ({
        words: rs.reduce((a, r) => a + r.words, 0),
        keys: rs.map((r) => r.key),
      }),
      { objChunkNumber: 7, chunksize: 2 },
    );
    const r = await fexec.getResult(f, quiet);
    expect(r.words).toBe(files[0]!.words + files[2]!.words);
    expect(r.keys).toEqual([...Array(7).fill('books/a.txt'), ...Array(7).fill('books/c.txt')]);
  });
});
