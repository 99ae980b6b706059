import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudObject, FunctionExecutor, type ObjectChunk, objects } from '@lithops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const storageDir = mkdtempSync(join(tmpdir(), 'lithops-data-in-'));
const fexec = new FunctionExecutor({
  config: {
    lithops: { backend: 'localhost', storage: 'localhost' },
    localhost: { worker_processes: 2, storage_dir: storageDir },
  },
});
const quiet = { showProgressbar: false };
const lineCount = async (c: ObjectChunk) => {
  let n = 0;
  for await (const _ of c.lines()) n++;
  return n;
};
const describeChunk = async (c: ObjectChunk) => ({
  location: c.location,
  bucket: c.bucket,
  key: c.key,
  part: c.partIndex,
  parts: c.partCount,
  range: c.range,
  size: c.size,
  text: await c.text(),
});

// A file server with Range support, counting the bytes it sends.
const body = Buffer.from(Array.from({ length: 30_000 }, (_, i) => `line ${i}\n`).join(''));
let served = 0;
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url !== '/data.txt') {
      res.writeHead(404).end();
      return;
    }
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-length': body.length, 'accept-ranges': 'bytes' }).end();
      return;
    }
    if (!m) {
      served += body.length;
      res.writeHead(200, { 'content-length': body.length }).end(body);
      return;
    }
    const start = Number(m[1]);
    const end = Math.min(Number(m[2]), body.length - 1);
    served += end - start + 1;
    res
      .writeHead(206, {
        'content-range': `bytes ${start}-${end}/${body.length}`,
        'content-length': end - start + 1,
      })
      .end(body.subarray(start, end + 1));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await fexec.close();
  await new Promise((r) => server.close(r));
});

describe('data inputs', () => {
  it('lists a prefix of 1,200 objects once, one call per object, in key order', async () => {
    const storage = await fexec.getStorage();
    const keys = Array.from({ length: 1200 }, (_, i) => `many/${String(i).padStart(4, '0')}.txt`);
    for (let i = 0; i < keys.length; i += 100)
      await Promise.all(
        keys.slice(i, i + 100).map((k, j) => storage.putObject('storage', k, `${i + j}\n`.repeat(3))),
      );
    const fs = await fexec.map(
      async (c: ObjectChunk) => `${c.key}:${(await c.text()).split('\n')[0]}`,
      objects('storage/many/'),
      { chunksize: 50 },
    );
    expect(await fexec.getResult(fs, quiet)).toEqual(keys.map((k, i) => `${k}:${i}`));
  });

  it('reads HTTP URLs with ranged GETs, whole lines per chunk, without fetching the whole file per chunk', async () => {
    served = 0;
    const fs = await fexec.map(lineCount, objects(`${base}/data.txt`), { objChunkNumber: 8 });
    const counts = await fexec.getResult(fs, quiet);
    expect(counts).toHaveLength(8);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(30_000);
    // Each chunk reads its range plus a few KiB: far less than 8 whole files.
    expect(served).toBeLessThan(body.length + 8 * 2 * 4096);
  });

  it('fails a chunk of a missing URL with NOT_FOUND at map() time', async () => {
    await expect(fexec.map(lineCount, objects(`${base}/missing.txt`))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('reads local files, folders and * globs in place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lithops-data-files-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a.log'), 'a1\na2\n');
    writeFileSync(join(dir, 'b.txt'), 'b1\n');
    writeFileSync(join(dir, 'sub', 'c.log'), 'c1\nc2\nc3');
    const texts = async (loc: string | string[]) =>
      (await fexec.getResult(await fexec.map(describeChunk, objects(loc)), quiet)).map((r) => [
        r.key,
        r.text,
      ]);
    expect(await texts(join(dir, '*.log'))).toEqual([[join(dir, 'a.log'), 'a1\na2\n']]);
    expect(await texts(join(dir, '**.log'))).toEqual([
      [join(dir, 'a.log'), 'a1\na2\n'],
      [join(dir, 'sub', 'c.log'), 'c1\nc2\nc3'],
    ]);
    expect(await texts(dir)).toHaveLength(3);
    expect(await texts(`file://${join(dir, 'b.txt')}`)).toEqual([[join(dir, 'b.txt'), 'b1\n']]);
  });

  it('turns CloudObjects and { obj, ...rest } items into chunks; plain strings stay strings', async () => {
    const storage = await fexec.getStorage();
    await storage.putObject('storage', 'co/x.txt', 'x1\nx2\nx3\nx4\n');
    const co = new CloudObject('localhost', 'storage', 'co/x.txt');
    const fs = await fexec.map(
      async (item: unknown) => {
        if (typeof item === 'string') return `plain:${item}`;
        const it = item as {
          obj?: ObjectChunk;
          tag?: string;
          text?: () => Promise<string>;
          partIndex?: number;
        };
        if (it.obj) return `${it.tag}:${it.obj.partIndex}:${await it.obj.text()}`;
        return `co:${it.partIndex}:${await it.text!()}`;
      },
      ['storage/co/x.txt', co, { obj: co, tag: 'T' }],
      { objChunkNumber: 2 },
    );
    expect(await fexec.getResult(fs, quiet)).toEqual([
      'plain:storage/co/x.txt',
      'co:0:x1\nx2\n',
      'co:1:x3\nx4\n',
      'T:0:x1\nx2\n',
      'T:1:x3\nx4\n',
    ]);
  });

  it('gives exact byte ranges with objNewline null, and tells where a chunk is', async () => {
    const fs = await fexec.map(describeChunk, objects('localhost://storage/co/x.txt'), {
      objChunkNumber: 3,
      objNewline: null,
    });
    const rs = await fexec.getResult(fs, quiet);
    expect(rs.map((r) => r.text)).toEqual(['x1\nx', '2\nx3', '\nx4\n']);
    expect(rs[1]).toMatchObject({
      location: 'localhost://storage/co/x.txt',
      bucket: 'storage',
      key: 'co/x.txt',
      part: 1,
      parts: 3,
      range: [4, 8],
      size: 12,
    });
  });

  it('maps over the futures of a previous map (chaining)', async () => {
    const first = await fexec.map(lineCount, objects('storage/co/x.txt'), { objChunkNumber: 2 });
    const second = await fexec.map((n: number) => n * 10, first);
    expect(await fexec.getResult(second, quiet)).toEqual([20, 20]);
  });

  it('refuses objChunkSize under 1 MiB and a missing prefix before invoking anything', async () => {
    await expect(fexec.map(lineCount, objects('storage/co/'), { objChunkSize: 1000 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('objChunkSize must be an integer of at least 1048576'),
    });
    await expect(fexec.map(lineCount, objects('storage/nothing-here/'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(fexec.map(lineCount, objects('s3://bucket/key'))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('the configured storage is "localhost"'),
    });
  });
});
