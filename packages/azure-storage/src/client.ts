import {
  BlobServiceClient,
  type StoragePipelineOptions,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { LithopsError } from '@lithops/core/plugin';
import type { AzureStorageSection } from './config.js';

const NAME = 'azure_storage';

export interface BlobClientInfo {
  service: BlobServiceClient;
  /** Blob endpoint shown in error messages (never with a key or SAS). */
  endpointLabel: string;
}

/** The SDK's retries are off: every call goes through core's `withRetries`, bounded in one place. */
const PIPELINE: StoragePipelineOptions = { retryOptions: { maxTries: 1 } };

function label(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

/**
 * Builds the client from, in order: `connection_string`; `storage_account_name` + `storage_account_key`;
 * the `AZURE_STORAGE_CONNECTION_STRING` env var; `storage_account_name` with Azure AD through
 * `DefaultAzureCredential` (env, managed identity, Azure CLI...), the SDK's default chain.
 */
export async function createBlobClient(c: AzureStorageSection): Promise<BlobClientInfo> {
  const endpoint = c.endpoint?.replace(/\/+$/, '');
  const connectionString =
    c.connection_string ?? (c.storage_account_key ? undefined : process.env.AZURE_STORAGE_CONNECTION_STRING);
  if (connectionString) {
    let service: BlobServiceClient;
    try {
      service = BlobServiceClient.fromConnectionString(connectionString, PIPELINE);
    } catch {
      // The SDK's message may quote the string, key included: say what is wrong without it.
      throw new LithopsError(
        'CONFIG_INVALID',
        'azure_storage.connection_string is not a valid connection string.',
        {
          backend: NAME,
          hint: 'Copy it from the storage account\'s "Access keys" page, or use storage_account_name + storage_account_key.',
        },
      );
    }
    if (endpoint) service = new BlobServiceClient(endpoint, service.credential, PIPELINE);
    return { service, endpointLabel: label(service.url) };
  }
  const account = c.storage_account_name;
  if (!account && !endpoint) {
    throw new LithopsError(
      'CONFIG_INVALID',
      'azure_storage needs storage_account_name (or connection_string).',
      {
        backend: NAME,
        hint: 'Set azure_storage.storage_account_name and storage_account_key, or connection_string.',
      },
    );
  }
  const url = endpoint ?? `https://${account}.blob.core.windows.net`;
  if (c.storage_account_key) {
    if (!account) {
      throw new LithopsError(
        'CONFIG_INVALID',
        'azure_storage.storage_account_key needs storage_account_name.',
        {
          backend: NAME,
        },
      );
    }
    const credential = new StorageSharedKeyCredential(account, c.storage_account_key);
    return { service: new BlobServiceClient(url, credential, PIPELINE), endpointLabel: label(url) };
  }
  // Loaded only when used: Azure AD sign-in pulls in MSAL, which key-based setups never need.
  const { DefaultAzureCredential } = await import('@azure/identity');
  return {
    service: new BlobServiceClient(url, new DefaultAzureCredential(), PIPELINE),
    endpointLabel: label(url),
  };
}
