import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStorageBackend, testBackendContext } from '@lithops/testkit';
import flatFolder from '../src/index.js';

// The same conformance suite every storage backend of the project runs.
describeStorageBackend('flat_folder', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flat-folder-'));
  const config = flatFolder.configSchema.parse({ root: dir, storage_bucket: 'conformance' });
  const storage = await flatFolder.create(config, testBackendContext());
  return {
    storage,
    bucket: 'conformance',
    teardown: async () => {
      await storage[Symbol.asyncDispose]();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
