export * from './plugin.js';
export { type ConfigOptions, type LoadedConfig, loadConfig } from './config/load.js';
export { createStorageBackend } from './storage/create.js';
export { LocalhostStorageBackend } from './storage/localhost-backend.js';
import { registerEmbeddedBackend } from './plugin/loader.js';
import { localhostStorage } from './storage/localhost-definition.js';

registerEmbeddedBackend(localhostStorage as never);
export { CloudObject } from './storage/cloud-object.js';
export {
  type FileLocation,
  formatLocation,
  type HttpLocation,
  type Location,
  type ObjectLocation,
  type ParseLocationOptions,
  parseLocation,
  SCHEME_BACKENDS,
} from './storage/location.js';
export { type GetObjectOptions, Storage, type StorageOptions } from './storage/storage.js';
