import { describeExecutorOnStorage, startFakeGcs } from '@lithops/testkit';
import { makeBackend } from './helpers.js';

describeExecutorOnStorage('gcp_storage', async () => {
  const gcs = await startFakeGcs();
  const section = { storage_bucket: 'lithops-jobs', endpoint: gcs.endpoint };
  const gcp = { project_id: 'lithops-test' };
  const inspect = await makeBackend(section, gcp);
  await inspect.createBucket('lithops-jobs');
  return {
    config: { lithops: { storage: 'gcp_storage' }, gcp, gcp_storage: section },
    inspect,
    bucket: 'lithops-jobs',
    teardown: () => gcs.stop(),
  };
});
