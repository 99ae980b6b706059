import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Storage, type StorageOptions } from '@google-cloud/storage';
import { LithopsError } from '@lithops/core/plugin';
import type { GcpSection, GcpStorageSection } from './config.js';
import { crc32cGenerator } from './crc32c.js';

const NAME = 'gcp_storage';

export interface GcsClient {
  storage: Storage;
  /** Whether requests carry auth headers (always, except a custom endpoint without a key file). */
  authenticated: boolean;
  endpointLabel: string;
}

interface KeyFile {
  type?: string;
  project_id?: string;
}

/** Reads the key file early, so a wrong path is a config error now rather than a failed call later. */
function readKeyFile(path: string): KeyFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new LithopsError('CONFIG_INVALID', `gcp.credentials_path: cannot read ${path}.`, {
      backend: NAME,
      cause: e,
      hint: 'Point it at a service account key file (JSON), or remove it to use the default credentials.',
    });
  }
  try {
    const key = JSON.parse(text) as KeyFile;
    if (typeof key !== 'object' || key === null || typeof key.type !== 'string')
      throw new Error('no "type" field');
    return key;
  } catch (e) {
    // The parse error may quote the file's content: keep it out of the message and the cause.
    throw new LithopsError(
      'CONFIG_INVALID',
      `gcp.credentials_path: ${path} is not a Google credentials JSON file.`,
      {
        backend: NAME,
        hint: 'Download a service account key (JSON) or use `gcloud auth application-default login`.',
        cause: new Error(e instanceof SyntaxError ? 'invalid JSON' : String((e as Error).message)),
      },
    );
  }
}

function isGoogleHost(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === 'googleapis.com' || host.endsWith('.googleapis.com');
}

/**
 * Builds the SDK client: credentials from `gcp.credentials_path`, else the SDK's default chain
 * (GOOGLE_APPLICATION_CREDENTIALS, gcloud ADC, metadata server). The SDK's own retries are off:
 * every call goes through core's `withRetries`, so retrying is bounded in one place.
 */
export function createGcsClient(gcp: GcpSection, section: GcpStorageSection, configDir: string): GcsClient {
  const keyFilename = gcp.credentials_path ? resolve(configDir, gcp.credentials_path) : undefined;
  const key = keyFilename ? readKeyFile(keyFilename) : undefined;
  const projectId = gcp.project_id ?? key?.project_id ?? process.env.GOOGLE_CLOUD_PROJECT;
  const endpoint = section.endpoint?.replace(/\/+$/, '');
  // An emulator needs no auth; a custom endpoint with a key file (e.g. a proxy or a private
  // endpoint) still gets it.
  const authenticated = !endpoint || keyFilename !== undefined || isGoogleHost(endpoint);
  const options: StorageOptions = {
    retryOptions: { autoRetry: false, maxRetries: 0 },
    crc32cGenerator,
    timeout: Math.round(section.request_timeout * 1000),
    ...(projectId ? { projectId } : {}),
    ...(keyFilename ? { keyFilename } : {}),
    ...(endpoint ? { apiEndpoint: endpoint, useAuthWithCustomEndpoint: authenticated } : {}),
  };
  const storage = new Storage(options);
  // Service account keys sign their own access JWTs: no round trip to the token endpoint, and an
  // invalid key is refused by the storage endpoint itself (401), not by a separate service.
  storage.authClient.useJWTAccessWithScope = true;
  return { storage, authenticated, endpointLabel: endpoint ?? 'https://storage.googleapis.com' };
}
