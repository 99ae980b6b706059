import { describeStorageResilience, startFakeGcs } from '@lithops/testkit';
import { makeBackend } from './helpers.js';

const BUCKET = 'lithops-chaos';
/** The smallest part GCS takes, so small bodies already go up as chunked sessions. */
const PART = 256 * 1024;

describeStorageResilience(
  'gcp_storage (fake GCS)',
  async () => {
    const gcs = await startFakeGcs();
    const direct = await makeBackend({ storage_bucket: BUCKET, endpoint: gcs.endpoint, part_size: PART });
    await direct.createBucket(BUCKET);
    return {
      target: { host: '127.0.0.1', port: gcs.port },
      bucket: BUCKET,
      direct,
      configThrough: (proxy) => ({
        lithops: { storage: 'gcp_storage' },
        gcp: { project_id: 'lithops-test' },
        gcp_storage: { storage_bucket: BUCKET, endpoint: proxy.endpoint },
      }),
      throughProxy: (proxy) =>
        makeBackend({
          storage_bucket: BUCKET,
          endpoint: proxy.endpoint,
          part_size: PART,
          retries: 10,
          request_timeout: 5,
        }),
      teardown: () => gcs.stop(),
    };
  },
  // The SDK's HTTP stack does not notice a reset body: each cut costs the stall timeout
  // (request_timeout) before the read resumes, so cut less often than the default.
  { streamCutAfterBytes: 4 * 2 ** 20 },
);
