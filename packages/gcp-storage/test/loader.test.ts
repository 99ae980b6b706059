import { Storage } from '@lithops/core';
import { LithopsError } from '@lithops/core/plugin';
import { startFakeGcs } from '@lithops/testkit';
import { describe, expect, it } from 'vitest';

describe('gcp_storage through the loader', () => {
  it('is loaded by name from config through Storage.fromConfig', async () => {
    const gcs = await startFakeGcs();
    try {
      await using storage = await Storage.fromConfig({
        config: {
          lithops: { storage: 'gcp_storage' },
          gcp: { project_id: 'lithops-test', region: 'us-east1' },
          gcp_storage: { storage_bucket: 'lithops-loader', endpoint: gcs.endpoint },
        },
      });
      expect(storage.backendName).toBe('gcp_storage');
      await storage.createBucket('lithops-loader');
      const co = await storage.putCloudObject('through the facade');
      expect(Buffer.from(await storage.getCloudObject(co)).toString()).toBe('through the facade');
      expect(storage.getClient()).toHaveProperty('bucket');
    } finally {
      await gcs.stop();
    }
  });

  it('a wrong config key → CONFIG_INVALID naming it', async () => {
    const err = await Storage.fromConfig({
      config: { lithops: { storage: 'gcp_storage' }, gcp_storage: { storage_bucket: 'b', endpont: 'x' } },
    }).catch((e: unknown) => e);
    expect(LithopsError.is(err, 'CONFIG_INVALID')).toBe(true);
    expect((err as Error).message).toContain('gcp_storage.endpont');
    expect((err as Error).message).toContain('did you mean "endpoint"');
  });
});
