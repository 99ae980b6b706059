// Registers the compute backend built into core.
import { registerEmbeddedBackend } from '../plugin/loader.js';
import { localhostCompute } from './compute.js';

registerEmbeddedBackend(localhostCompute as never);
