export * from './plugin.js';
export { type ConfigOptions, type LoadedConfig, loadConfig } from './config/load.js';
export { createStorageBackend } from './storage/create.js';
export { LocalhostStorageBackend } from './storage/localhost-backend.js';
import { registerEmbeddedBackend } from './plugin/loader.js';
import { localhostStorage } from './storage/localhost-definition.js';

registerEmbeddedBackend(localhostStorage as never);
