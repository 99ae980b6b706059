import type { LoadedConfig } from '../config/load.js';
import { ResponseFuture } from '../job/future.js';
import type { JobState } from '../job/job-state.js';
import type { StorageBackend } from '../plugin/storage-backend.js';
import type { Logger } from '../util/logger.js';
import { keys } from '../worker/keys.js';
import type { Backends } from './backends.js';
import type { JobTable } from './job-table.js';
import { ALL_COMPLETED } from './options.js';
import { waitForFutures } from './waiter.js';

/** Above this many job folders, clean() lists the executor's folders once instead of each. */
const CLEAN_SCAN_JOBS = 8;

/**
 * Deletes the job folders of `jobs` (those with calls still running only with `force`) and,
 * with `cleanFn`, the executor's function bundles.
 */
export async function deleteJobData(
  storage: StorageBackend,
  jobs: Iterable<JobState>,
  opts: { force?: boolean; cleanFn?: boolean },
  ctx: { config: LoadedConfig; executorId: string; log: Logger },
): Promise<void> {
  const prefix = ctx.config.lithops.jobs_prefix;
  const folders: string[] = [];
  for (const job of jobs) {
    if (!opts.force && job.doneCount < job.n) {
      ctx.log.info(`clean: job ${job.jobKey} still has calls running; kept (use force).`);
      continue;
    }
    folders.push(keys.jobFolder(prefix, job.jobKey));
  }
  if (opts.cleanFn) folders.push(`${prefix}/${ctx.executorId}/`);
  // Many jobs (a loop of callAsync): one listing of this executor's job folders, not one each.
  const scans = folders.length > CLEAN_SCAN_JOBS ? [`${prefix}/${ctx.executorId}`] : folders;
  const wanted = new Set(folders);
  const found: string[] = [];
  for (const scan of scans) {
    for await (const e of storage.listObjects(storage.bucket, { prefix: scan })) {
      if (e.type !== 'object') continue;
      const folder = e.key.slice(0, e.key.indexOf('/', prefix.length + 1) + 1);
      if (scans === folders || wanted.has(folder)) found.push(e.key);
    }
  }
  if (found.length === 0) return;
  ctx.log.info(`ExecutorID ${ctx.executorId} - Cleaning temporary data: ${found.length} objects`);
  await storage.deleteObjects(storage.bucket, found);
}

/**
 * Aborts the calls not started, gives running ones `graceSec` to finish, then releases the
 * compute backend and its monitor (storage stays open for the final clean).
 */
export async function stopJobs(b: Backends, jobs: JobTable, graceSec: number, log: Logger): Promise<void> {
  const running: ResponseFuture<unknown>[] = [];
  for (const job of jobs.unfinished()) {
    if (job.doneCount === job.n) continue;
    jobs.cancel(job, b, 'The executor was closed before the call started.');
    for (let i = 0; i < job.n; i++) if (!job.isDone(i)) running.push(new ResponseFuture(job, i));
  }
  if (running.length > 0) {
    log.info(`closing: ${running.length} calls still running get ${graceSec} s to finish`);
    await waitForFutures({
      futures: running,
      returnWhen: ALL_COMPLETED,
      throwExcept: false,
      timeoutSec: graceSec,
      progress: false,
    });
  }
  b.monitor?.close();
  await b.compute[Symbol.asyncDispose]();
}
