import { Storage } from '@lithops/core';
import { LithopsError } from '@lithops/core/plugin';
import { startAzurite } from '@lithops/testkit';
import { describe, expect, it } from 'vitest';

describe('azure_storage through the loader', () => {
  it('is loaded by name from config through Storage.fromConfig', async () => {
    const az = await startAzurite();
    try {
      await using storage = await Storage.fromConfig({
        config: {
          lithops: { storage: 'azure_storage' },
          azure_storage: { connection_string: az.connectionString, storage_bucket: 'lithops-loader' },
        },
      });
      expect(storage.backendName).toBe('azure_storage');
      await storage.createBucket('lithops-loader');
      const co = await storage.putCloudObject('through the facade');
      expect(Buffer.from(await storage.getCloudObject(co)).toString()).toBe('through the facade');
      expect(storage.getClient()).toHaveProperty('getContainerClient');
    } finally {
      await az.stop();
    }
  }, 60_000);

  it('a wrong config key → CONFIG_INVALID naming it', async () => {
    const err = await Storage.fromConfig({
      config: {
        lithops: { storage: 'azure_storage' },
        azure_storage: { storage_bucket: 'b', storage_acount_key: 'x' },
      },
    }).catch((e: unknown) => e);
    expect(LithopsError.is(err, 'CONFIG_INVALID')).toBe(true);
    expect((err as Error).message).toContain('azure_storage.storage_acount_key');
    expect((err as Error).message).not.toContain(': x');
  });
});
