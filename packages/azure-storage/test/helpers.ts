import type { Logger, StorageBackend } from '@lithops/core/plugin';
import azureStorage from '../src/index.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Creates the backend the way the loader does: validate the section, then `create`. */
export async function makeBackend(section: Record<string, unknown>): Promise<StorageBackend> {
  const config = azureStorage.configSchema.parse(section);
  return azureStorage.create(config, {
    config: { azure_storage: section },
    configDir: process.cwd(),
    log: silent,
  });
}
