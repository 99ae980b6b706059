/**
 * `storage: gcp_storage` — Google Cloud Storage for Lithops.
 *
 * ```yaml
 * lithops: { storage: gcp_storage }
 * gcp: { credentials_path: ./key.json, region: us-east1 }
 * gcp_storage: { storage_bucket: my-lithops-data }
 * ```
 * @packageDocumentation
 */
import { callTuning, defineStorageBackend, parseConfig } from '@lithops/core/plugin';
import { GcpStorageBackend, NAME } from './backend.js';
import { createGcsClient } from './client.js';
import { gcpSectionSchema, gcpStorageSectionSchema } from './config.js';

export { GcpStorageBackend, type GcpStorageBackendOptions } from './backend.js';
export {
  type GcpSection,
  type GcpStorageSection,
  gcpSectionSchema,
  gcpStorageSectionSchema,
} from './config.js';

export default defineStorageBackend({
  name: NAME,
  specVersion: 1, // the plugin spec of the @lithops/core this package builds against
  configSchema: gcpStorageSectionSchema,
  create(config, ctx) {
    // The shared `gcp:` section is read here; the loader has already checked `gcp_storage:`.
    const gcp = parseConfig(gcpSectionSchema, ctx.config.gcp, {
      source: 'the configuration',
      section: 'gcp',
      backend: NAME,
    });
    const client = createGcsClient(gcp, config, ctx.configDir);
    return new GcpStorageBackend({
      storage: client.storage,
      bucket: config.storage_bucket,
      endpointLabel: client.endpointLabel,
      authenticated: client.authenticated,
      partSize: config.part_size,
      retries: config.retries,
      breaker: callTuning(config).breaker,
      timeoutMs: Math.round(config.request_timeout * 1000),
      deleteConcurrency: config.delete_concurrency,
      region: gcp.region,
    });
  },
});
