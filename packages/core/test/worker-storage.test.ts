import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FunctionExecutor } from '@lithops/core';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
// Under the package (so the plugin resolves @lithops/core and the build beside it).
const dir = mkdtempSync(join(here, '.tmp-worker-storage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A folder storage that takes 1.5 s to start in worker threads only: the client is ready long
// before the call thread is, so a call sent at once meets a storage still starting.
const plugin = join(dir, 'slow-folder.mjs');
writeFileSync(
  plugin,
  `import { isMainThread } from 'node:worker_threads';
import { defineStorageBackend, z } from '@lithops/core/plugin';
import { localhostStorage } from '../../dist/storage/localhost-definition.js';
export default defineStorageBackend({
  name: 'slow_folder',
  specVersion: 1,
  configSchema: z.object({ root: z.string(), storage_bucket: z.string() }).strict(),
  async create(config, ctx) {
    if (!isMainThread) await new Promise((r) => setTimeout(r, 1500));
    const section = localhostStorage.configSchema.parse({ storage_dir: config.root, storage_bucket: config.storage_bucket });
    return localhostStorage.create(section, ctx);
  },
});
`,
);

describe('ctx.storage in a call thread', () => {
  it('is ready when the call runs, even while the thread is still starting it', async () => {
    await using fexec = new FunctionExecutor({
      config: {
        lithops: { backend: 'localhost', storage: plugin },
        slow_folder: { root: join(dir, 'data'), storage_bucket: 'slow' },
        localhost: { worker_processes: 1 },
      },
    });
    const name = await fexec.getResult(await fexec.callAsync((_x: number, ctx) => ctx.storage.bucket, 1));
    expect(name).toBe('slow');
  });
});
