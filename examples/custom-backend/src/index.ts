/**
 * `flat_folder`: an example third-party storage backend, written against `@lithops/core/plugin`
 * only. Select it in a config file by module specifier:
 *
 * ```yaml
 * lithops:
 *   storage: ./dist/index.js          # or the package name, resolved from the config's folder
 * flat_folder:
 *   root: ./data
 * ```
 * @packageDocumentation
 */
import { resolve } from 'node:path';
import { defineStorageBackend } from '@lithops/core/plugin';
import { flatFolderSectionSchema } from './config.js';
import { FlatFolderStorage } from './flat-folder-storage.js';

export { type FlatFolderSection, flatFolderSectionSchema } from './config.js';
export { FlatFolderStorage } from './flat-folder-storage.js';
export { MAX_KEY_BYTES } from './key-names.js';

/** The definition the loader imports: the default export. */
export default defineStorageBackend({
  name: 'flat_folder',
  specVersion: 1, // the plugin spec of the @lithops/core this package builds against
  configSchema: flatFolderSectionSchema,
  async create(config, ctx) {
    // Relative paths are relative to the config file, wherever the process runs.
    const root = resolve(ctx.configDir, config.root);
    ctx.log.debug(`flat_folder storage in ${root}`);
    const storage = new FlatFolderStorage(root, config.storage_bucket);
    await storage.createBucket(config.storage_bucket);
    return storage;
  },
});
