// Storage throughput of gcp_storage (fake GCS) and azure_storage (Azurite) against the raw SDK
// client doing the same work in the same run: 1,000 × 64 KiB and 10 × 20 MiB objects, put then
// get, 16 requests in flight. Run: node bench/storage-gcp-azure.mjs  (BENCH_BACKENDS=gcp_storage)
import { build, compare, fromPkg, MiB, readAll, report, runs } from './storage-harness.mjs';

const { startAzurite, startFakeGcs, testBackendContext } = await build('testkit');
const gcpStorage = (await build('gcp-storage')).default;
const azureStorage = (await build('azure-storage')).default;
const { Storage } = await fromPkg('gcp-storage', '@google-cloud/storage');
const { BlobServiceClient } = await fromPkg('azure-storage', '@azure/storage-blob');

const rows = [];
if (runs('gcp_storage')) {
  const gcs = await startFakeGcs();
  try {
    const section = { storage_bucket: 'lithops-bench', endpoint: gcs.endpoint };
    const ours = await gcpStorage.create(
      gcpStorage.configSchema.parse(section),
      testBackendContext({ gcp: { project_id: 'bench' }, gcp_storage: section }),
    );
    await ours.createBucket('lithops-bench');
    const raw = new Storage({
      apiEndpoint: gcs.endpoint,
      projectId: 'bench',
      retryOptions: { autoRetry: false },
    });
    const bucket = raw.bucket('lithops-bench');
    rows.push(
      ...(await compare(
        'gcp_storage (fake GCS)',
        {
          put: (k, b) => ours.putObject('lithops-bench', k, b),
          get: (k) => ours.getObject('lithops-bench', k),
        },
        {
          // Ours' work: a simple upload up to part_size (8 MiB), else a resumable upload sent in
          // part_size chunks.
          put: (k, b) =>
            bucket
              .file(k)
              .save(b, b.length > 8 * MiB ? { resumable: true, chunkSize: 8 * MiB } : { resumable: false }),
          get: async (k) => (await bucket.file(k).download())[0],
        },
        { sharedReads: true },
      )),
    );
  } finally {
    await gcs.stop();
  }
}
if (runs('azure_storage')) {
  const az = await startAzurite({ extentMemoryLimitMb: 8192 });
  try {
    const section = { connection_string: az.connectionString, storage_bucket: 'lithops-bench' };
    const ours = await azureStorage.create(azureStorage.configSchema.parse(section), testBackendContext());
    await ours.createBucket('lithops-bench');
    const container = BlobServiceClient.fromConnectionString(az.connectionString).getContainerClient(
      'lithops-bench',
    );
    rows.push(
      ...(await compare(
        'azure_storage (Azurite)',
        {
          put: (k, b) => ours.putObject('lithops-bench', k, b),
          get: (k) => ours.getObject('lithops-bench', k),
        },
        {
          // Ours' work: one Put Blob up to part_size (8 MiB), else 8 MiB blocks staged 4 at a time
          // (upload_concurrency) and committed.
          put: (k, b) =>
            container
              .getBlockBlobClient(k)
              .uploadData(b, { maxSingleShotSize: 8 * MiB, blockSize: 8 * MiB, concurrency: 4 }),
          get: async (k) => readAll((await container.getBlockBlobClient(k).download()).readableStreamBody),
        },
        { sharedReads: true },
      )),
    );
  } finally {
    await az.stop();
  }
}
report(rows);
