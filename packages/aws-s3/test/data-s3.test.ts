import { FunctionExecutor, type ObjectChunk, objects } from '@lithops/core';
import { type S3rverHandle, startS3rver } from '@lithops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Deterministic text with known word and line counts; `crlf` for Windows line ends. */
function makeText(bytes: number, seed: number, crlf: boolean) {
  let x = seed;
  const rnd = (n: number) => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % n;
  };
  const lines: string[] = [];
  let size = 0;
  let words = 0;
  while (size < bytes) {
    const n = rnd(12);
    const line = Array.from(
      { length: n },
      () => 'lorem ipsum dolor sit amet consectetur'.split(' ')[rnd(6)],
    ).join(' ');
    words += n;
    lines.push(line);
    size += line.length + (crlf ? 2 : 1);
  }
  return { text: lines.join(crlf ? '\r\n' : '\n'), words, lines: lines.length };
}

const files = [
  { key: 'books/one.txt', ...makeText(2.2 * 2 ** 20, 7, false) },
  { key: 'books/two.txt', ...makeText(3.6 * 2 ** 20, 8, true) },
];
const countChunk = async (chunk: ObjectChunk) => {
  let words = 0;
  let lines = 0;
  for await (const line of chunk.lines()) {
    lines++;
    for (const w of line.split(' ')) if (w !== '') words++;
  }
  return { words, lines };
};
const add = (rs: { words: number; lines: number }[]) =>
  rs.reduce((a, r) => ({ words: a.words + r.words, lines: a.lines + r.lines }), { words: 0, lines: 0 });
const quiet = { showProgressbar: false };

describe('data processing on S3 (s3rver)', () => {
  let s3: S3rverHandle;
  let fexec: FunctionExecutor;

  beforeAll(async () => {
    s3 = await startS3rver({ buckets: ['jobs', 'data'] });
    fexec = new FunctionExecutor({
      config: {
        lithops: { backend: 'localhost', storage: 'aws_s3' },
        aws: { access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey, region: s3.region },
        aws_s3: { storage_bucket: 'jobs', endpoint: s3.endpoint },
        localhost: { worker_processes: 2 },
      },
    });
    const storage = await fexec.getStorage();
    for (const f of files) await storage.putObject('data', f.key, f.text);
  }, 60_000);
  afterAll(async () => {
    await fexec?.close();
    await s3?.stop();
  });

  for (const [name, opts] of [
    ['objChunkSize 1 MiB', { objChunkSize: 2 ** 20 }],
    ['objChunkSize 3 MiB', { objChunkSize: 3 * 2 ** 20 }],
    ['objChunkNumber 7', { objChunkNumber: 7 }],
  ] as const) {
    it(`word count, ${name}: totals equal the in-process count`, async () => {
      const rs = await fexec.getResult(await fexec.map(countChunk, objects('s3://data/books/'), opts), quiet);
      expect(add(rs)).toEqual(add(files));
    });
  }

  it('mapReduce with objReduceByKey and spawnReducer 0: one result per object, read through S3', async () => {
    const fs = await fexec.mapReduce(countChunk, objects('s3://data/books/'), add, {
      objChunkSize: 2 ** 20,
      objReduceByKey: true,
      spawnReducer: 0,
    });
    expect(await fexec.getResult(fs, quiet)).toEqual(files.map((f) => ({ words: f.words, lines: f.lines })));
  });

  it('lists a prefix of 1,200 objects (paged) and globs within it', async () => {
    const storage = await fexec.getStorage();
    const keys = Array.from({ length: 1200 }, (_, i) => `many/${String(i).padStart(4, '0')}.txt`);
    for (let i = 0; i < keys.length; i += 50)
      await Promise.all(keys.slice(i, i + 50).map((k) => storage.putObject('data', k, `${k}\n`)));
    const fs = await fexec.map(
      async (c: ObjectChunk) => (await c.text()).trim(),
      objects('s3://data/many/'),
      {
        chunksize: 100,
      },
    );
    expect(await fexec.getResult(fs, quiet)).toEqual(keys);
    const glob = await fexec.map(async (c: ObjectChunk) => c.key, objects('s3://data/many/11*.txt'));
    expect(await fexec.getResult(glob, quiet)).toEqual(keys.filter((k) => k.startsWith('many/11')));
  }, 120_000);
});
