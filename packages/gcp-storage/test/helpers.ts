import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger, StorageBackend } from '@lithops/core/plugin';
import gcpStorage from '../src/index.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Creates the backend the way the loader does: validate the section, then `create`. */
export async function makeBackend(
  section: Record<string, unknown>,
  gcp: Record<string, unknown> = { project_id: 'lithops-test' },
  configDir = process.cwd(),
): Promise<StorageBackend> {
  const config = gcpStorage.configSchema.parse(section);
  return gcpStorage.create(config, {
    config: { gcp, gcp_storage: section },
    configDir,
    log: silent,
  });
}

export interface ServiceAccount {
  publicKey: KeyObject;
  /** Folder holding `key.json`. */
  dir: string;
  privateKeyPem: string;
}

/** A service account key file, as downloaded from the console, with a fresh RSA key. */
export function makeServiceAccount(): ServiceAccount {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const dir = mkdtempSync(join(tmpdir(), 'lithops-gcp-key-'));
  writeFileSync(
    join(dir, 'key.json'),
    JSON.stringify({
      type: 'service_account',
      project_id: 'lithops-test',
      private_key_id: 'test-key-1',
      private_key: privateKeyPem,
      client_email: 'lithops-test@lithops-test.iam.gserviceaccount.com',
      client_id: '1',
      token_uri: 'https://oauth2.googleapis.com/token',
    }),
  );
  return { publicKey, dir, privateKeyPem };
}
