import { describeLiveStorage } from '@lithops/testkit';
import { makeBackend } from './helpers.js';

// Real Google Cloud Storage; credentials from GOOGLE_APPLICATION_CREDENTIALS or gcloud ADC.
describeLiveStorage(
  'gcp-storage',
  { flag: 'LITHOPS_LIVE_GCP', required: ['LITHOPS_LIVE_GCP_BUCKET'] },
  async () => {
    const bucket = process.env.LITHOPS_LIVE_GCP_BUCKET!;
    const key = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    const storage = await makeBackend({ storage_bucket: bucket }, key ? { credentials_path: key } : {});
    return { storage, bucket };
  },
);
