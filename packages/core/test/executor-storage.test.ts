import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionExecutor } from '@lithops/core';
import { describe, expect, it } from 'vitest';
import * as jobs from './fixtures/jobs.js';

function listAll(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describe('executor and storage', () => {
  it('ctx.storage and fexec.storage share the job storage; close() leaves nothing behind', async () => {
    const storageDir = mkdtempSync(join(tmpdir(), 'lithops-exec-storage-'));
    const fexec = new FunctionExecutor({
      config: { localhost: { worker_processes: 1, storage_dir: storageDir } },
    });
    try {
      // A cloud object made by the client, read in a call.
      const co = await fexec.storage.putCloudObject('from the client');
      expect(await fexec.getResult(await fexec.map(jobs.readText, [co.toJSON()]))).toEqual([
        'from the client',
      ]);
      // One made in a call, read by the client.
      const [ref] = (await fexec.getResult(await fexec.map(jobs.storeText, ['abc']))) as {
        bucket: string;
        key: string;
      }[];
      const bytes = await fexec.storage.getObject(ref!.bucket, ref!.key);
      expect(Buffer.from(bytes as Uint8Array).toString()).toBe('ABC');
      expect(listAll(storageDir).length).toBeGreaterThan(0);
    } finally {
      await fexec.close();
    }
    // Job data, bundles and cloud objects are all gone.
    expect(listAll(storageDir)).toEqual([]);
  });

  it('clean() removes finished jobs and tracked cloud objects, and keeps the executor usable', async () => {
    const storageDir = mkdtempSync(join(tmpdir(), 'lithops-exec-storage-'));
    // Results over 1 KiB go through storage, so the job leaves files to clean.
    const fexec = new FunctionExecutor({
      config: { localhost: { worker_processes: 1, storage_dir: storageDir, max_inline_result_bytes: 1024 } },
    });
    try {
      await fexec.storage.putCloudObject('x');
      const fs = await fexec.map(jobs.bytes, [3 * 2 ** 20]);
      await fexec.getResult(fs);
      const jobFiles = () => listAll(storageDir).filter((p) => p.includes(`${fexec.executorId}-M`));
      expect(jobFiles().length).toBeGreaterThan(0);
      await fexec.clean();
      expect(jobFiles()).toEqual([]);
      expect(listAll(storageDir).filter((p) => p.includes('cloudobjects'))).toEqual([]);
      expect(await fexec.getResult(await fexec.callAsync(jobs.double, 4))).toBe(8);
    } finally {
      await fexec.close();
    }
  });
});
