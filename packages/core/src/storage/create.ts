import type { LoadedConfig } from '../config/load.js';
import { parseConfig } from '../config/zod-error.js';
import { loadBackendDefinition } from '../plugin/loader.js';
import type { StorageBackend } from '../plugin/storage-backend.js';
import { createLogger } from '../util/logger.js';

/** Creates the storage backend named in the config (`lithops.storage`, or `name`). */
export async function createStorageBackend(
  config: LoadedConfig,
  name = config.lithops.storage,
): Promise<StorageBackend> {
  const def = await loadBackendDefinition('storage', name, config.dir);
  const section = parseConfig(def.configSchema, config.raw[def.name], {
    source: config.source,
    section: def.name,
    backend: def.name,
  });
  return def.create(section, {
    config: config.raw,
    configDir: config.dir,
    log: createLogger(config.lithops.log_level),
  });
}
