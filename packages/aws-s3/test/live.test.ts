import { describeLiveStorage } from '@lithops/testkit';
import { makeBackend } from './make.js';

// Real AWS, with credentials from the SDK's default chain (AWS_ACCESS_KEY_ID, a profile, a role).
describeLiveStorage(
  'aws-s3',
  { flag: 'LITHOPS_LIVE_AWS', required: ['LITHOPS_LIVE_AWS_BUCKET'] },
  async () => {
    const bucket = process.env.LITHOPS_LIVE_AWS_BUCKET!;
    return { storage: await makeBackend({ storage_bucket: bucket }), bucket };
  },
);
