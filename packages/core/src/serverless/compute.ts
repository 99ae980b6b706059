import type { LoadedConfig } from '../config/load.js';
import { parseConfig } from '../config/zod-error.js';
import type { ComputeBackend } from '../plugin/compute-backend.js';
import { loadBackendDefinition } from '../plugin/loader.js';
import type { StorageBackend } from '../plugin/storage-backend.js';
import { createStorageBackend } from '../storage/create.js';
import { createLogger } from '../util/logger.js';

/**
 * The configured compute backend with its job storage, outside an executor (the CLI's `runtime`
 * and `clean` commands). Dispose both when done.
 */
export async function createComputeBackend(
  config: LoadedConfig,
): Promise<{ compute: ComputeBackend; storage: StorageBackend; mode: string }> {
  const name = config.lithops.backend;
  const [def, storage] = await Promise.all([
    loadBackendDefinition('compute', name, config.dir),
    createStorageBackend(config),
  ]);
  const section = parseConfig(def.configSchema, config.raw[def.name], {
    source: config.source,
    section: def.name,
    backend: def.name,
  });
  const compute = await def.create(section, {
    config: config.raw,
    configDir: config.dir,
    log: createLogger(config.lithops.log_level),
    storage,
  });
  return { compute, storage, mode: def.mode };
}
