import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FunctionExecutor, objects, Storage } from '@lithops/core';
import { describe, expect, it } from 'vitest';
import { countLines, writeNote } from '../jobs.mjs';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));

/** A config in a fresh folder that names the backend by package name, not by path. */
function packageNameConfig(): { file: string; root: string } {
  const dir = mkdtempSync(join(tmpdir(), 'flat-folder-e2e-'));
  const file = join(dir, 'lithops.yaml');
  writeFileSync(
    file,
    [
      'lithops:',
      '  backend: localhost',
      '  storage: "@lithops/example-custom-backend"',
      'flat_folder:',
      '  root: ./data',
      '  storage_bucket: e2e',
      'localhost:',
      '  worker_processes: 2',
      '',
    ].join('\n'),
  );
  return { file, root: join(dir, 'data') };
}

describe('flat_folder behind a FunctionExecutor on localhost compute', () => {
  it('loads by package name from a config file and runs maps whose data goes through it', async () => {
    const { file, root } = packageNameConfig();
    await using fexec = new FunctionExecutor({ configFile: file });
    const storage = await fexec.getStorage();
    expect(storage.backendName).toBe('flat_folder');
    expect(storage.bucket).toBe('e2e');

    // Data mode: the calls read byte ranges of objects through the custom backend.
    const text = `${Array.from({ length: 300 }, (_, i) => `line number ${i}`).join('\n')}\n`;
    await storage.putObject('e2e', 'books/long.txt', text);
    await storage.putObject('e2e', 'books/short.txt', 'a\nb\n');
    const counts = await fexec.getResult(
      await fexec.map(countLines, objects('flat_folder://e2e/books/'), { objChunkNumber: 3 }),
    );
    expect(counts.length).toBe(6);
    expect(counts.filter((c) => c.key === 'books/long.txt').reduce((s, c) => s + c.lines, 0)).toBe(300);
    expect(counts.filter((c) => c.key === 'books/short.txt').reduce((s, c) => s + c.lines, 0)).toBe(2);

    // ctx.storage in the workers is the same backend: what they write is on disk, hex-named.
    const keys = await fexec.getResult(await fexec.map(writeNote, ['ada', 'grace', 'linus']));
    expect(keys).toEqual(['notes/0.txt', 'notes/1.txt', 'notes/2.txt']);
    expect(Buffer.from(await storage.getObject('e2e', 'notes/2.txt')).toString()).toBe('LINUS');
    expect(existsSync(join(root, 'e2e', Buffer.from('notes/0.txt').toString('hex')))).toBe(true);

    // A self-contained inline function travels by source; the job data lands in flat_folder.
    const squares = await fexec.getResult(await fexec.map((x: number) => x * x, [1, 2, 3]));
    expect(squares).toEqual([1, 4, 9]);
  });

  it('runs the example program with the relative module path of lithops.yaml', () => {
    const out = execFileSync(process.execPath, ['index.mjs'], { cwd: pkgDir, encoding: 'utf8' });
    expect(out).toMatch(/^\d+ chunks, 503 lines$/m);
    expect(out).toContain('notes/0.txt ADA');
    expect(out).toContain('notes/1.txt GRACE');
  });

  it('is what Storage.fromConfig opens too', async () => {
    const { file } = packageNameConfig();
    await using storage = await Storage.fromConfig({ configFile: file });
    await storage.putObject(storage.bucket, 'x/y.txt', 'hello');
    const keys: string[] = [];
    for await (const key of storage.listKeys(storage.bucket, { prefix: 'x/' })) keys.push(key);
    expect(keys).toEqual(['x/y.txt']);
  });
});
