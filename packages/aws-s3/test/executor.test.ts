import { describeExecutorOnStorage, startS3rver } from '@lithops/testkit';
import { makeBackend } from './make.js';

describeExecutorOnStorage('aws_s3', async () => {
  const s3 = await startS3rver({ buckets: ['jobs'] });
  const aws = { access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey, region: s3.region };
  const section = { storage_bucket: 'jobs', endpoint: s3.endpoint };
  return {
    config: { lithops: { storage: 'aws_s3' }, aws, aws_s3: section },
    inspect: await makeBackend(section, aws),
    bucket: 'jobs',
    teardown: () => s3.stop(),
  };
});
