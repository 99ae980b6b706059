import { resolve } from 'node:path';
import { localhostSectionSchema } from '../localhost/config.js';
import { defineStorageBackend, SPEC_VERSION } from '../plugin/define.js';
import { defaultStorageDir, LocalhostStorageBackend } from './localhost-backend.js';

/** `storage: localhost`: a folder on this machine. */
export const localhostStorage = defineStorageBackend({
  name: 'localhost',
  specVersion: SPEC_VERSION, // built with this core
  configSchema: localhostSectionSchema,
  async create(config, ctx) {
    const root = config.storage_dir ? resolve(ctx.configDir, config.storage_dir) : defaultStorageDir();
    const backend = new LocalhostStorageBackend(root, config.storage_bucket);
    await backend.createBucket(config.storage_bucket);
    return backend;
  },
});
