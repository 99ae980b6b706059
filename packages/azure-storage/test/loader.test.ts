import { Storage } from '@lithops/core';
import { describeStorageLoading, startAzurite } from '@lithops/testkit';
import { expect, it } from 'vitest';

describeStorageLoading(
  'azure_storage',
  async () => {
    const az = await startAzurite();
    return {
      config: {
        lithops: { storage: 'azure_storage' },
        azure_storage: { connection_string: az.connectionString, storage_bucket: 'lithops-loader' },
      },
      clientMethod: 'getContainerClient',
      createBucket: true,
      teardown: () => az.stop(),
    };
  },
  {
    section: { storage_bucket: 'b', storage_acount_key: 'x' },
    wrongKey: 'storage_acount_key',
    rightKey: 'storage_account_key',
  },
);

it('a misspelt key holding a secret is named without its value', async () => {
  const err = await Storage.fromConfig({
    config: {
      lithops: { storage: 'azure_storage' },
      azure_storage: { storage_bucket: 'b', storage_acount_key: 'the-secret-value' },
    },
  }).catch((e: unknown) => e);
  expect((err as Error).message).toContain('azure_storage.storage_acount_key');
  expect((err as Error).message).not.toContain('the-secret-value');
});
