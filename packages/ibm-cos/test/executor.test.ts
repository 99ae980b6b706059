import { describeExecutorOnStorage, startS3rver } from '@lithops/testkit';
import { makeBackend } from './make.js';

describeExecutorOnStorage('ibm_cos', async () => {
  const s3 = await startS3rver({ buckets: ['jobs'] });
  const section = {
    storage_bucket: 'jobs',
    endpoint: s3.endpoint,
    access_key_id: s3.accessKeyId,
    secret_access_key: s3.secretAccessKey,
  };
  return {
    config: { lithops: { storage: 'ibm_cos' }, ibm_cos: section },
    inspect: await makeBackend(section),
    bucket: 'jobs',
    teardown: () => s3.stop(),
  };
});
