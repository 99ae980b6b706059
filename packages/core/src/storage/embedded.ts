// Registers the storage backend built into core, wherever core's loader is used.
import { registerEmbeddedBackend } from '../plugin/loader.js';
import { localhostStorage } from './localhost-definition.js';

registerEmbeddedBackend(localhostStorage as never);
