/**
 * `storage: azure_storage` — Azure Blob Storage for Lithops.
 *
 * ```yaml
 * lithops: { storage: azure_storage }
 * azure_storage:
 *   storage_account_name: mylithopsaccount
 *   storage_account_key: <key>
 *   storage_bucket: lithops-data
 * ```
 * @packageDocumentation
 */
import { callTuning, defineStorageBackend } from '@lithops/core/plugin';
import { AzureStorageBackend, NAME } from './backend.js';
import { createBlobClient } from './client.js';
import { azureStorageSectionSchema } from './config.js';

export { AzureStorageBackend, type AzureStorageBackendOptions } from './backend.js';
export { type AzureStorageSection, azureStorageSectionSchema } from './config.js';

export default defineStorageBackend({
  name: NAME,
  specVersion: 1, // the plugin spec of the @lithops/core this package builds against
  configSchema: azureStorageSectionSchema,
  async create(config) {
    const client = await createBlobClient(config);
    return new AzureStorageBackend({
      service: client.service,
      bucket: config.storage_bucket,
      endpointLabel: client.endpointLabel,
      partSize: config.part_size,
      uploadConcurrency: config.upload_concurrency,
      retries: config.retries,
      breaker: callTuning(config).breaker,
      timeoutMs: Math.round(config.request_timeout * 1000),
      deleteConcurrency: config.delete_concurrency,
    });
  },
});
