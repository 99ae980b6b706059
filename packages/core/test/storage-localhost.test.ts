import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The suite's source, not the @lithops/testkit package: testkit depends on core, and a dependency
// back would make a cycle in the workspace graph.
import { describeStorageBackend } from '../../testkit/src/storage-suite.js';
import { LocalhostStorageBackend } from '../src/storage/localhost-backend.js';

describeStorageBackend('localhost', async () => {
  const root = await mkdtemp(join(tmpdir(), 'lithops-conformance-'));
  const storage = new LocalhostStorageBackend(root, 'storage');
  await storage.createBucket('storage');
  return {
    storage,
    bucket: 'storage',
    teardown: () => rm(root, { recursive: true, force: true }),
  };
});
