import { describeLiveStorage } from '@lithops/testkit';
import { makeBackend } from './helpers.js';

// Real Azure, with AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT for Azure AD sign-in.
describeLiveStorage(
  'azure-storage',
  {
    flag: 'LITHOPS_LIVE_AZURE',
    required: ['LITHOPS_LIVE_AZURE_CONTAINER'],
    oneOf: ['AZURE_STORAGE_CONNECTION_STRING', 'AZURE_STORAGE_ACCOUNT'],
  },
  async () => {
    const bucket = process.env.LITHOPS_LIVE_AZURE_CONTAINER!;
    const storage = await makeBackend({
      storage_bucket: bucket,
      ...(process.env.AZURE_STORAGE_CONNECTION_STRING
        ? {}
        : { storage_account_name: process.env.AZURE_STORAGE_ACCOUNT }),
    });
    return { storage, bucket };
  },
);
