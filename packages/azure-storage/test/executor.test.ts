import { describeExecutorOnStorage, startAzurite } from '@lithops/testkit';
import { makeBackend } from './helpers.js';

describeExecutorOnStorage('azure_storage', async () => {
  const az = await startAzurite();
  const section = { connection_string: az.connectionString, storage_bucket: 'lithops-jobs' };
  const inspect = await makeBackend(section);
  await inspect.createBucket('lithops-jobs');
  return {
    config: { lithops: { storage: 'azure_storage' }, azure_storage: section },
    inspect,
    bucket: 'lithops-jobs',
    teardown: () => az.stop(),
  };
});
