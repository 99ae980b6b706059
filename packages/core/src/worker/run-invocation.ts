import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODEC_VERSION } from '../codec/codec.js';
import { LithopsError } from '../errors.js';
import type { InvocationPayload } from '../plugin/compute-backend.js';
import type { StorageBackend } from '../plugin/storage-backend.js';
import { announcedCalls, isRemoteInvokerPayload, resolvePayload } from '../serverless/payload.js';
import { sha256, writeCache } from '../ship/bundle.js';
import type { CallRunner } from './call-threads.js';
import { keys } from './keys.js';
import type { CallStatus } from './status.js';
import type { StatusSink } from './status-sink.js';

/** What a backend's handler provides to run invocations. */
export interface WorkerEnv {
  workerId: string;
  storage: StorageBackend;
  sink: StatusSink;
  threads: CallRunner;
  /** Folder where verified function bundles are cached. */
  bundleDir: string;
  /** Keep whole call-data objects in memory between invocations (a long-lived worker). */
  cacheCallData?: boolean;
  /** Aborts the calls of this invocation that have not started. */
  signal?: AbortSignal;
}

const bundles = new Map<string, Promise<string>>();
const callData = new Map<string, Promise<Uint8Array>>();
const CALL_DATA_CACHE = 8;

/**
 * Local path of the verified bundle of `func` (stored in `bucket`); fetched from storage once per
 * worker. A worker may call it ahead of the bundle's first call (the localhost pool does, for a
 * thread that starts while a job runs).
 */
export function ensureBundle(
  func: InvocationPayload['func'],
  bucket: string,
  env: WorkerEnv,
): Promise<string> {
  let hit = bundles.get(func.sha256);
  if (!hit) {
    const path = join(env.bundleDir, `${func.sha256}.mjs`);
    hit = (async () => {
      if (existsSync(path) && sha256(readFileSync(path)) === func.sha256) return path;
      const code = await env.storage.getObject(bucket, func.key);
      if (sha256(code) !== func.sha256) {
        throw new LithopsError('INTERNAL', `The function bundle ${func.key} does not match its SHA-256.`, {
          backend: 'worker',
          hint: 'Storage returned other bytes than were written; run again, and check the storage backend.',
        });
      }
      writeCache(env.bundleDir, func.sha256, code, undefined, undefined);
      return path;
    })();
    bundles.set(func.sha256, hit);
    hit.catch(() => bundles.delete(func.sha256));
  }
  return hit;
}

function readCallData(p: InvocationPayload, env: WorkerEnv): Promise<{ bytes: Uint8Array; base: number }> {
  if (p.inline) return Promise.resolve({ bytes: p.inline.calls, base: p.calls[0]?.start ?? 0 });
  if (env.cacheCallData) {
    let hit = callData.get(p.dataKey);
    if (!hit) {
      hit = env.storage.getObject(p.storage.bucket, p.dataKey);
      callData.set(p.dataKey, hit);
      hit.catch(() => callData.delete(p.dataKey));
      if (callData.size > CALL_DATA_CACHE) callData.delete(callData.keys().next().value!);
    }
    return hit.then((bytes) => ({ bytes, base: 0 }));
  }
  // Only the span this invocation needs.
  const starts = p.calls.map((c) => c.start);
  const ends = p.calls.map((c) => c.end);
  if (p.extraArgsRange) {
    starts.push(p.extraArgsRange[0]);
    ends.push(p.extraArgsRange[1]);
  }
  const lo = Math.min(...starts);
  const hi = Math.max(...ends);
  if (hi <= lo) return Promise.resolve({ bytes: new Uint8Array(0), base: lo });
  return env.storage
    .getObject(p.storage.bucket, p.dataKey, { range: [lo, hi - 1] })
    .then((bytes) => ({ bytes, base: lo }));
}

/** Reports every call of `p` as failed with `e` (the invocation could not run them). */
export function failAll(p: InvocationPayload, env: WorkerEnv, e: unknown): Promise<unknown> {
  const now = Date.now();
  const err = e as Error & { code?: string };
  return Promise.all(
    p.calls.map((c) =>
      env.sink.status(p.jobKey, {
        callId: c.callId,
        workerId: env.workerId,
        ok: false,
        errorCode: LithopsError.isInstance(e) ? e.code : 'INTERNAL',
        error: { name: err.name ?? 'Error', message: err.message ?? String(e), stack: err.stack },
        timings: { start: now, fnStart: now, fnEnd: now, end: now },
      }),
    ),
  );
}

/**
 * Runs the calls of one invocation in order, reporting each to the sink. Used by every backend's
 * handler (the localhost pool, Lambda, HTTP functions, containers, SSH workers).
 */
export async function runInvocation(received: InvocationPayload, env: WorkerEnv): Promise<void> {
  let p = received;
  try {
    // A payload over the backend's limit arrives as a reference to its copy in storage.
    p = await resolvePayload(received, env.storage);
    if (isRemoteInvokerPayload(p)) {
      throw new LithopsError('CONFIG_INVALID', "This backend's handler does not run the remote invoker.", {
        backend: 'worker',
        hint: 'Set remote_invoker: false in the backend section.',
      });
    }
  } catch (e) {
    await failAll({ ...p, calls: announcedCalls(p) }, env, e);
    return;
  }
  let bundlePath: string;
  let data: { bytes: Uint8Array; base: number };
  try {
    if (p.codecVersion !== CODEC_VERSION) {
      throw new LithopsError('INTERNAL', `Payload codec version ${p.codecVersion} is not ${CODEC_VERSION}.`, {
        backend: 'worker',
        hint: 'Client and runtime run different @lithops/core versions: redeploy the runtime.',
      });
    }
    [bundlePath, data] = await Promise.all([
      ensureBundle(p.func, p.storage.bucket, env),
      readCallData(p, env),
    ]);
  } catch (e) {
    await failAll(p, env, e);
    return;
  }
  // Copies: a view would carry the whole call-data buffer to the call thread with every call.
  const slice = (start: number, end: number) =>
    Uint8Array.prototype.slice.call(data.bytes, start - data.base, end - data.base);
  const extraArgs = p.inline
    ? p.inline.extraArgs
    : p.extraArgsRange
      ? slice(p.extraArgsRange[0], p.extraArgsRange[1])
      : undefined;
  if (env.signal?.aborted) return;
  // All calls are queued on the call thread at once (it runs them in order, back to back);
  // each reports `init` when it starts and its status when it ends.
  const runs = p.calls.map((call) => {
    let start = 0;
    const outcome = env.threads.run(
      {
        bundlePath,
        bundleSha256: p.func.sha256,
        callId: call.callId,
        jobKey: p.jobKey,
        input: slice(call.start, call.end),
        extraArgs,
        extraEnv: p.extraEnv,
      },
      p.timeoutSec,
      p.memoryMb,
      env.signal,
      (at) => {
        start = at;
        void Promise.resolve(env.sink.init(p.jobKey, call.callId, at)).catch(() => {});
      },
    );
    return { call, outcome, started: () => start };
  });
  for (const { call, outcome, started } of runs) {
    const o = await outcome;
    const start = started() || o.fnStart;
    const status: CallStatus = {
      callId: call.callId,
      workerId: env.workerId,
      ok: o.type === 'done' && o.ok,
      timings: { start, fnStart: o.fnStart, fnEnd: o.fnEnd, end: 0 },
    };
    if (o.output) status.output = o.output;
    if (o.type === 'done' && o.format) status.resultFormat = o.format;
    if (o.type === 'failed') {
      status.errorCode = o.code;
      status.error = o.error;
    } else if (!o.ok) {
      status.errorCode = o.unserializable ? 'UNSERIALIZABLE' : 'FUNCTION_ERROR';
      status.error = o.error;
    } else if (o.result && o.result.byteLength > p.maxInlineResultBytes) {
      status.resultKey = keys.output(p.storage.prefix, p.jobKey, call.callId);
      try {
        await env.storage.putObject(p.storage.bucket, status.resultKey, o.result);
      } catch (e) {
        status.ok = false;
        delete status.resultKey;
        status.errorCode = 'INTERNAL';
        status.error = { name: 'Error', message: `Storing the result failed: ${(e as Error).message}` };
      }
    } else {
      status.result = o.result;
    }
    status.timings.end = Date.now();
    await env.sink.status(p.jobKey, status);
  }
}
