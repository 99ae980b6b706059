import { CODEC_VERSION } from '../codec/codec.js';
import type { LoadedConfig } from '../config/load.js';
import { LithopsError } from '../errors.js';
import type { CallData } from '../job/call-data.js';
import type { JobState } from '../job/job-state.js';
import type { CallRef, InvocationPayload } from '../plugin/compute-backend.js';
import { invokeJob } from '../serverless/invoker.js';
import type { ShippedFunction } from '../ship/prepare.js';
import type { Logger } from '../util/logger.js';
import { callIdOf, keys } from '../worker/keys.js';
import type { Backends, Deployments } from './backends.js';
import type { JobTable } from './job-table.js';
import type { MapOptions } from './options.js';

/** Seconds past an invocation's deadline before a silent started call counts as lost. */
const LOST_GRACE_SEC = 10;
/** Call data up to this size travels inside localhost invocations instead of through storage. */
const INLINE_CALL_DATA_BYTES = 2 ** 20;

function positive(name: string, v: unknown, integer: boolean): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !(v > 0) || (integer && !Number.isInteger(v)) || !Number.isFinite(v)) {
    throw new LithopsError(
      'INVALID_ARGUMENT',
      `${name} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(v)}.`,
    );
  }
}

/** Checks the numeric options of a map before anything is prepared. */
export function checkMapOptions(opts: MapOptions<unknown>): void {
  positive('chunksize', opts.chunksize, true);
  positive('timeout', opts.timeout, false);
  positive('runtimeMemory', opts.runtimeMemory, true);
}

/** How a job's calls are grouped and bounded on these backends. */
export interface JobLimits {
  chunksize: number;
  timeoutSec: number;
  /** 0 = the backend's default. */
  memoryMb: number;
}

export function jobLimits(b: Backends, l: LoadedConfig['lithops'], opts: MapOptions<unknown>): JobLimits {
  const chunksize = opts.chunksize ?? l.chunksize;
  // Without an explicit timeout, a call gets execution_timeout, capped so that an invocation
  // fits the backend's limit (Lambda: runtime_timeout); an explicit one over it is an error.
  const timeoutSec =
    opts.timeout ?? Math.min(l.execution_timeout, b.compute.limits.maxTimeoutSec / chunksize);
  if (chunksize * timeoutSec > b.compute.limits.maxTimeoutSec) {
    throw new LithopsError(
      'INVALID_ARGUMENT',
      `An invocation of ${chunksize} calls × ${timeoutSec} s exceeds the ${b.compute.name} limit of ${b.compute.limits.maxTimeoutSec} s.`,
      {
        hint: 'Lower chunksize or timeout.',
      },
    );
  }
  const memoryMb = opts.runtimeMemory ?? (b.section.runtime_memory as number | undefined) ?? 0;
  return { chunksize, timeoutSec, memoryMb };
}

/**
 * One invocation of a job: its fields written out (a spread of `base` costs more than the whole
 * send of a one-call job on localhost); `satisfies` keeps the list complete.
 */
function invocationPayload(
  base: Omit<InvocationPayload, 'calls'>,
  calls: CallRef[],
  inline: InvocationPayload['inline'],
): InvocationPayload {
  return {
    codecVersion: base.codecVersion,
    executorId: base.executorId,
    jobId: base.jobId,
    jobKey: base.jobKey,
    storage: base.storage,
    func: base.func,
    dataKey: base.dataKey,
    inline,
    extraArgsRange: base.extraArgsRange,
    calls,
    timeoutSec: base.timeoutSec,
    memoryMb: base.memoryMb,
    extraEnv: base.extraEnv,
    maxInlineResultBytes: base.maxInlineResultBytes,
  } satisfies { [K in keyof Required<InvocationPayload>]: unknown };
}

/** What submitting a job needs from its executor. */
export interface SubmitContext {
  b: Backends;
  config: LoadedConfig;
  executorId: string;
  deployments: Deployments;
  jobs: JobTable;
  log: Logger;
}

/**
 * Stores what the job needs (bundle, call data unless inline), registers it for events and sends
 * its invocations: on localhost in order, elsewhere through the serverless invoker.
 */
export async function submitJob(
  ctx: SubmitContext,
  job: JobState,
  shipped: ShippedFunction,
  data: CallData,
  limits: JobLimits,
  opts: MapOptions<unknown>,
): Promise<void> {
  const { b } = ctx;
  const l = ctx.config.lithops;
  const { chunksize, timeoutSec, memoryMb } = limits;
  const prefix = l.jobs_prefix;
  const bucket = b.storage.bucket;
  const bundle = ctx.deployments.bundle(b, shipped);
  const dataKey = keys.callData(prefix, job.jobKey);
  // Small jobs on localhost carry their call data in the invocations: no storage round trip.
  const inline = b.mode === 'localhost' && data.bytes.length <= INLINE_CALL_DATA_BYTES;
  const rt = ctx.deployments.runtime(b, memoryMb);
  // A warm executor (runtime known, bundle stored, data inline) sends without waiting.
  const runtime =
    rt.done && bundle.upload.done && inline
      ? rt.value!
      : (
          await Promise.all([
            rt.promise,
            bundle.upload.promise,
            inline ? undefined : b.storage.putObject(bucket, dataKey, data.bytes),
          ])
        )[0];
  const inlineExtraArgs =
    inline && data.extraArgsRange ? data.bytes.subarray(...data.extraArgsRange) : undefined;
  ctx.jobs.add(job);
  ctx.log.info(
    `ExecutorID ${ctx.executorId} | JobID ${job.jobId} - ${shipped.name}(): ${data.count} calls in ${Math.ceil(data.count / chunksize)} invocations (chunksize ${chunksize}, timeout ${timeoutSec} s${memoryMb ? `, ${memoryMb} MB` : ''}); call data ${data.bytes.length} bytes ${inline ? 'inline' : `at ${dataKey}`}`,
  );
  // Silent past the invocation's deadline plus a grace: the worker is gone.
  if (b.monitor) {
    const callIds: string[] = [];
    for (let i = 0; i < job.n; i++) callIds.push(callIdOf(i));
    b.monitor.watch(job.jobKey, callIds, chunksize * timeoutSec + LOST_GRACE_SEC);
  }

  const { signal } = opts;
  if (signal) {
    const onAbort = () => ctx.jobs.cancel(job, b, 'The call was cancelled (AbortSignal) before it started.');
    signal.addEventListener('abort', onAbort, { once: true });
    const off = job.onDone(() => {
      if (job.doneCount === job.n) {
        signal.removeEventListener('abort', onAbort);
        off();
      }
    });
  }

  const base: Omit<InvocationPayload, 'calls'> = {
    codecVersion: CODEC_VERSION,
    executorId: ctx.executorId,
    jobId: job.jobId,
    jobKey: job.jobKey,
    storage: { backend: b.storage.name, bucket, prefix },
    func: { key: bundle.key, sha256: shipped.sha256, exportName: 'default' },
    dataKey,
    extraArgsRange: data.extraArgsRange,
    timeoutSec,
    memoryMb: memoryMb || undefined,
    extraEnv: opts.extraEnv,
    maxInlineResultBytes: Math.min(
      b.compute.limits.maxPayloadBytes,
      (b.section.max_inline_result_bytes as number | undefined) ?? 256 * 1024,
    ),
  };
  if (b.mode !== 'localhost') {
    // Serverless/standalone: a max_workers window, concurrent sends, throttling retries,
    // payloads through storage, the remote invoker for large jobs (src/serverless/invoker.ts).
    await invokeJob({
      compute: b.compute,
      runtime,
      storage: b.storage,
      base,
      offsets: data.offsets,
      count: data.count,
      chunksize,
      job,
      settings: b.section,
      lithopsMaxWorkers: l.max_workers,
      log: ctx.log,
    });
    ctx.log.debug(`JobID ${job.jobId}: invocations handed to the invoker`);
    return;
  }
  for (let from = 0; from < data.count; from += chunksize) {
    const to = Math.min(data.count, from + chunksize);
    const calls = [];
    for (let i = from; i < to; i++)
      calls.push({ callId: callIdOf(i), start: data.offsets[i]!, end: data.offsets[i + 1]! });
    job.markInvoked(from, to, Date.now());
    try {
      const payload = invocationPayload(
        base,
        calls,
        inline
          ? {
              calls: data.bytes.subarray(data.offsets[from]!, data.offsets[to]!),
              extraArgs: inlineExtraArgs,
            }
          : undefined,
      );
      await b.compute.invoke(runtime, payload);
    } catch (e) {
      for (let i = from; i < data.count; i++)
        job.fail(
          i,
          LithopsError.isInstance(e) ? e.code : 'INTERNAL',
          `Invoking the call failed: ${(e as Error).message}`,
        );
      ctx.jobs.dropIfDone(job);
      throw e;
    }
  }
  ctx.log.debug(`JobID ${job.jobId}: ${Math.ceil(data.count / chunksize)} invocations sent`);
}
