import { describeStorageResilience, startAzurite } from '@lithops/testkit';
import { makeBackend } from './helpers.js';

const BUCKET = 'lithops-chaos';
/** Small blocks, so small bodies already go up as staged blocks. */
const PART = 256 * 1024;

describeStorageResilience('azure_storage (azurite)', async () => {
  const az = await startAzurite();
  const account = {
    storage_account_name: az.accountName,
    storage_account_key: az.accountKey,
    storage_bucket: BUCKET,
  };
  const direct = await makeBackend({ ...account, endpoint: az.blobEndpoint });
  await direct.createBucket(BUCKET);
  return {
    target: { host: '127.0.0.1', port: az.port },
    bucket: BUCKET,
    direct,
    configThrough: (proxy) => ({
      lithops: { storage: 'azure_storage' },
      azure_storage: { ...account, endpoint: `${proxy.endpoint}/${az.accountName}` },
    }),
    throughProxy: (proxy) =>
      makeBackend({
        ...account,
        endpoint: `${proxy.endpoint}/${az.accountName}`,
        part_size: PART,
        retries: 10,
        request_timeout: 5,
      }),
    teardown: () => az.stop(),
  };
});
