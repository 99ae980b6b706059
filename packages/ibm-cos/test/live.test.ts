import { describeLiveStorage } from '@lithops/testkit';
import { makeBackend } from './make.js';

// IBM Cloud, with an API key in LITHOPS_LIVE_IBM_API_KEY (or HMAC keys in the SDK's default chain).
describeLiveStorage(
  'ibm-cos',
  { flag: 'LITHOPS_LIVE_IBM', required: ['LITHOPS_LIVE_IBM_BUCKET'] },
  async () => {
    const env = process.env;
    const bucket = env.LITHOPS_LIVE_IBM_BUCKET!;
    const storage = await makeBackend({
      storage_bucket: bucket,
      region: env.LITHOPS_LIVE_IBM_REGION ?? 'us-east',
      ...(env.LITHOPS_LIVE_IBM_API_KEY ? { api_key: env.LITHOPS_LIVE_IBM_API_KEY } : {}),
    });
    return { storage, bucket };
  },
);
