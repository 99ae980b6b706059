import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@lithops/core';
import { expect, it } from 'vitest';
import { type Backends, Deployments } from '../src/executor/backends.js';
import type { ShippedFunction } from '../src/ship/prepare.js';
import { LocalhostStorageBackend } from '../src/storage/localhost-backend.js';
import { createLogger } from '../src/util/logger.js';

it('an executor that stored a bundle rewrites its alive mark until it stops', async () => {
  const storage = new LocalhostStorageBackend(mkdtempSync(join(tmpdir(), 'lithops-alive-')), 'storage');
  await storage.createBucket('storage');
  const config = loadConfig({ config: {} });
  const deployments = new Deployments(config, 'exec1', createLogger('NONE'), 20);
  const b = { storage } as unknown as Backends;
  const shipped = { sha256: 'ab'.repeat(32), code: Buffer.from('export default () => 1;\n') };
  await deployments.bundle(b, shipped as unknown as ShippedFunction).upload.promise;
  const key = 'lithops.jobs/exec1/alive';
  // Waits for the mark to be written twice (two different times), as an idle executor's would be.
  const seen = new Set<string>();
  const deadline = Date.now() + 30_000;
  while (seen.size < 2 && Date.now() < deadline) {
    try {
      seen.add(Buffer.from(await storage.getObject('storage', key)).toString());
    } catch {}
    await new Promise((r) => setImmediate(r));
  }
  expect(seen.size).toBe(2);
  for (const t of seen) expect(Date.parse(t)).toBeGreaterThan(0);
  await deployments.stop();
});
