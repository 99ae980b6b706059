import { LithopsError } from '../errors.js';
import type { CallRef, InvocationPayload, RuntimeInfo } from '../plugin/compute-backend.js';
import type { StorageBackend } from '../plugin/storage-backend.js';
import { callIdOf } from '../worker/keys.js';

/**
 * An invocation whose payload was over the backend's limit: the payload itself is in storage.
 * It is still a valid `InvocationPayload` (no calls), so any backend forwards it unchanged.
 */
type PayloadRef = InvocationPayload & {
  payloadKey: string;
  /** Indexes [first, end) of its calls, so a worker that cannot read the payload can fail them. */
  callRange: readonly [from: number, to: number];
};

/**
 * The remote invoker's invocation: the worker that takes it sends the job's invocations itself,
 * from inside the cloud, so the client sends one request for the whole job.
 */
export type RemoteInvokerPayload = InvocationPayload & {
  remoteInvoker: {
    runtime: RuntimeInfo;
    /** Call i's input is offsets[i]..offsets[i+1] of the job's call data. */
    offsets: number[];
    chunksize: number;
    /** Invoke requests in flight at once. */
    poolSize: number;
  };
};

function isPayloadRef(p: InvocationPayload): p is PayloadRef {
  return typeof (p as Partial<PayloadRef>).payloadKey === 'string';
}

export function isRemoteInvokerPayload(p: InvocationPayload): p is RemoteInvokerPayload {
  return typeof (p as Partial<RemoteInvokerPayload>).remoteInvoker === 'object';
}

/** The calls of invocation [from, to) of a job. */
export function callRefs(offsets: ArrayLike<number>, from: number, to: number): CallRef[] {
  const calls: CallRef[] = [];
  for (let i = from; i < to; i++)
    calls.push({ callId: callIdOf(i), start: offsets[i]!, end: offsets[i + 1]! });
  return calls;
}

/** Storage key of a stored payload (in the job's folder, so cleaning the job removes it). */
function payloadKey(p: InvocationPayload, name: string): string {
  return `${p.storage.prefix}/${p.jobKey}/payloads/${name}.json`;
}

/** JSON size of a payload as a backend sends it. */
function payloadBytes(p: InvocationPayload): number {
  return Buffer.byteLength(JSON.stringify(p));
}

/** The payload itself: read from storage when it came as a reference. */
export async function resolvePayload(
  p: InvocationPayload,
  storage: StorageBackend,
): Promise<InvocationPayload> {
  if (!isPayloadRef(p)) return p;
  const bytes = await storage.getObject(p.storage.bucket, p.payloadKey);
  const full = JSON.parse(Buffer.from(bytes).toString('utf8')) as InvocationPayload;
  if (full.jobKey !== p.jobKey) {
    throw new LithopsError('INTERNAL', `The stored payload ${p.payloadKey} belongs to job ${full.jobKey}.`, {
      backend: 'worker',
      hint: 'Storage returned another object than was written; run again.',
    });
  }
  return full;
}

/** The calls a payload stands for, even when it is a reference that could not be read. */
export function announcedCalls(p: InvocationPayload): CallRef[] {
  if (isRemoteInvokerPayload(p))
    return callRefs(p.remoteInvoker.offsets, 0, p.remoteInvoker.offsets.length - 1);
  if (!isPayloadRef(p)) return p.calls;
  const [from, to] = p.callRange;
  return Array.from({ length: to - from }, (_, k) => ({ callId: callIdOf(from + k), start: 0, end: 0 }));
}

/**
 * The payload to send: `p` itself, or, over `maxBytes`, a reference to a copy stored under the
 * job's folder. Payloads over the limit never fail silently: they travel through storage.
 */
export async function fitPayload(
  p: InvocationPayload,
  maxBytes: number,
  storage: StorageBackend,
  range: readonly [number, number],
  size = payloadBytes(p),
): Promise<InvocationPayload> {
  if (size <= maxBytes) return p;
  const key = payloadKey(p, callIdOf(range[0]));
  await storage.putObject(p.storage.bucket, key, Buffer.from(JSON.stringify(p)));
  const { calls: _calls, extraEnv: _env, ...rest } = p;
  const ref: PayloadRef = { ...rest, calls: [], payloadKey: key, callRange: range };
  if (payloadBytes(ref) > maxBytes) {
    throw new LithopsError(
      'PAYLOAD_TOO_LARGE',
      `Even a stored payload's reference is over the backend's limit of ${maxBytes} bytes.`,
      { hint: 'Raise the backend payload limit.' },
    );
  }
  return ref;
}
