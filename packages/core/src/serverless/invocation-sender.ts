import { LithopsError } from '../errors.js';
import type { InvocationPayload, RuntimeInfo } from '../plugin/compute-backend.js';
import type { StorageBackend } from '../plugin/storage-backend.js';
import { isTransientError, withRetries } from '../util/retry.js';
import { callRefs, fitPayload } from './payload.js';

/** What sending an invocation needs from a compute backend (the client's, or a worker's own). */
export interface InvokeTarget {
  readonly name: string;
  invoke(runtime: RuntimeInfo, payload: InvocationPayload): Promise<{ activationId: string }>;
}

export interface JobInvocations {
  runtime: RuntimeInfo;
  storage: StorageBackend;
  base: Omit<InvocationPayload, 'calls'>;
  /** Call i's input is offsets[i]..offsets[i+1] of the job's call data. */
  offsets: ArrayLike<number>;
  count: number;
  chunksize: number;
  maxPayloadBytes: number;
}

const THROTTLE_NAMES = new Set([
  'TooManyRequests',
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'EC2ThrottledException',
]);

/**
 * Throttling: the platform refused the request, so sending it again cannot run a call twice.
 * (Other transient failures of an asynchronous invoke may have been accepted: not retried.)
 */
export function isThrottle(err: unknown): boolean {
  if (LithopsError.isInstance(err)) return err.code === 'THROTTLED';
  const e = err as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number } } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.$metadata?.httpStatusCode === 429) return true;
  if (typeof e.name === 'string' && THROTTLE_NAMES.has(e.name)) return true;
  if (e.code === 'ECONNREFUSED') return isTransientError(err);
  return false;
}

/** Throttling is retried with core's jittered backoff, for up to about a minute. */
export const THROTTLE_RETRY = { retries: 12, baseMs: 100, maxMs: 8000, isRetryable: isThrottle } as const;

/** Builds and sends invocation `i` of a job (calls [i × chunksize, ...)), retrying throttling. */
export class InvocationSender {
  readonly invocations: number;
  private readonly baseBytes: number;
  /** Throttled attempts that were retried. */
  throttled = 0;

  constructor(
    private readonly target: InvokeTarget,
    private readonly job: JobInvocations,
  ) {
    this.invocations = Math.ceil(job.count / job.chunksize);
    this.baseBytes = Buffer.byteLength(JSON.stringify({ ...job.base, calls: [] }));
  }

  range(i: number): [from: number, to: number] {
    const from = i * this.job.chunksize;
    return [from, Math.min(this.job.count, from + this.job.chunksize)];
  }

  async send(i: number, signal?: AbortSignal): Promise<void> {
    const [from, to] = this.range(i);
    const calls = callRefs(this.job.offsets, from, to);
    const payload: InvocationPayload = { ...this.job.base, calls };
    // The size without a second stringify of the whole payload: base + the calls array.
    const size = this.baseBytes + Buffer.byteLength(JSON.stringify(calls));
    const fitted = await fitPayload(payload, this.job.maxPayloadBytes, this.job.storage, [from, to], size);
    await withRetries(() => this.target.invoke(this.job.runtime, fitted), {
      ...THROTTLE_RETRY,
      signal,
      onRetry: () => {
        this.throttled++;
      },
    });
  }
}

/** Runs `fn(i)` for i in [0, n) with at most `width` running at once (`fn` handles its own errors). */
export async function forEachPooled(
  n: number,
  width: number,
  fn: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}
