import { type ConfigOptions, createStorageBackend, loadConfig } from '@lithops/core';

/** Keys per delete request, so a huge prefix goes out in steps that can be followed in a log. */
const BATCH = 1000;

/**
 * `lithops clean`: removes everything under the jobs prefix of the configured storage — data
 * left by executors that were killed before they could clean up after themselves.
 */
export async function clean(options: ConfigOptions): Promise<void> {
  const config = loadConfig(options);
  const storage = await createStorageBackend(config);
  try {
    const prefix = `${config.lithops.jobs_prefix}/`;
    // List everything first: deleting under a listing that is still paging could skip keys.
    const keys: string[] = [];
    for await (const e of storage.listObjects(storage.bucket, { prefix })) {
      if (e.type === 'object') keys.push(e.key);
    }
    for (let i = 0; i < keys.length; i += BATCH) {
      await storage.deleteObjects(storage.bucket, keys.slice(i, i + BATCH));
    }
    console.log(`Removed ${keys.length} objects under ${storage.name}://${storage.bucket}/${prefix}`);
  } finally {
    await storage[Symbol.asyncDispose]();
  }
}
