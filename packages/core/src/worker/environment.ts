import '../storage/embedded.js';
import { lithopsSectionSchema } from '../config/lithops-section.js';
import { LithopsError } from '../errors.js';
import { createStorageBackend } from '../storage/create.js';
import { LazyStorageBackend } from '../storage/lazy-backend.js';
import { privateTempDir } from '../util/private-dir.js';
import type { StorageConfig } from './call-messages.js';
import { CallThreads } from './call-threads.js';
import type { WorkerEnv } from './run-invocation.js';
import type { StatusSink } from './status-sink.js';
import { storageSink } from './storage-sink.js';

/** Name of the env var that carries the storage config to cloud workers (set at deploy time). */
export const STORAGE_CONFIG_ENV = 'LITHOPS_STORAGE_CONFIG';

/** The call-thread script next to this module (a runtime bundle ships it as its own file). */
export const CALL_THREAD_SCRIPT = new URL('./call-thread.js', import.meta.url);

export interface WorkerEnvOptions {
  workerId: string;
  /** The config with the storage section(s); default: JSON in the LITHOPS_STORAGE_CONFIG env var. */
  storageConfig?: StorageConfig;
  /** Where verified bundles are cached. Default: `<tmp>/lithops-<uid>/bundles` (0700). */
  bundleDir?: string;
  /** Default: storage (status.json and init marks). */
  sink?: StatusSink;
  callThreadScript?: URL;
  /** Keep call-data objects in memory between invocations (a long-lived worker). */
  cacheCallData?: boolean;
}

/** Builds the environment a backend's handler runs invocations in. */
export async function createWorkerEnv(opts: WorkerEnvOptions): Promise<WorkerEnv> {
  let raw = opts.storageConfig?.raw;
  if (!raw) {
    const text = process.env[STORAGE_CONFIG_ENV];
    if (!text) {
      throw new LithopsError(
        'CONFIG_INVALID',
        `The worker has no storage config: ${STORAGE_CONFIG_ENV} is not set.`,
        {
          backend: 'worker',
          hint: 'Redeploy the runtime; the backend sets it at deploy time.',
        },
      );
    }
    raw = JSON.parse(text) as Record<string, unknown>;
  }
  const lithops = opts.storageConfig?.lithops ?? lithopsSectionSchema.parse(raw.lithops ?? {});
  const storageConfig = {
    ...(opts.storageConfig ?? { raw, dir: process.cwd(), source: STORAGE_CONFIG_ENV }),
    lithops,
  };
  const threads = new CallThreads(opts.callThreadScript ?? CALL_THREAD_SCRIPT, { storageConfig });
  // The first call thread starts while the storage backend is created.
  threads.warm();
  // Created in the background: small localhost jobs never need it (their data comes inline).
  const storage = new LazyStorageBackend(createStorageBackend({ ...storageConfig, lithops }));
  return {
    workerId: opts.workerId,
    storage,
    threads,
    sink: opts.sink ?? storageSink(await storage.ready, lithops.jobs_prefix),
    bundleDir: opts.bundleDir ?? privateTempDir('bundles'),
    cacheCallData: opts.cacheCallData,
  };
}
