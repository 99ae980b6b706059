import { describeStorageLoading, startFakeGcs } from '@lithops/testkit';

describeStorageLoading(
  'gcp_storage',
  async () => {
    const gcs = await startFakeGcs();
    return {
      config: {
        lithops: { storage: 'gcp_storage' },
        gcp: { project_id: 'lithops-test', region: 'us-east1' },
        gcp_storage: { storage_bucket: 'lithops-loader', endpoint: gcs.endpoint },
      },
      clientMethod: 'bucket',
      createBucket: true,
      teardown: () => gcs.stop(),
    };
  },
  { section: { storage_bucket: 'b', endpont: 'x' }, wrongKey: 'endpont', rightKey: 'endpoint' },
);
