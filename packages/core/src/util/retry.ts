import { setTimeout as sleep } from 'node:timers/promises';
import { LithopsError } from '../errors.js';

/** How `withRetries` retries. Every storage backend uses it; none writes its own loop. */
export interface RetryOptions {
  /** Retries after the first attempt (so at most `retries + 1` calls). Default 4. */
  retries?: number;
  /** Delay cap of the first retry, in ms; it doubles per retry. Default 100. */
  baseMs?: number;
  /** Largest delay between two attempts, in ms. Default 2000. */
  maxMs?: number;
  /** Whether an error is worth another attempt. Default `isTransientError`. */
  isRetryable?: (err: unknown, attempt: number) => boolean;
  /** Aborts the wait between attempts (the current attempt is the callee's to cancel). */
  signal?: AbortSignal;
  /** Called before each wait, e.g. to log. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Node/libuv error codes of a connection that failed or went away: worth another attempt. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequests',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeTooSkewed',
]);

const TRANSIENT_MESSAGE = /socket hang up|ECONNRESET|ETIMEDOUT|EPIPE|premature close|aborted|timed? ?out/i;

function httpStatus(e: Record<string, unknown>): number | undefined {
  const meta = e.$metadata as { httpStatusCode?: unknown } | undefined;
  for (const v of [meta?.httpStatusCode, e.statusCode, e.status]) {
    if (typeof v === 'number') return v;
  }
  return undefined;
}

/**
 * True for failures that another attempt may not hit: HTTP 5xx, 408 and 429, throttling,
 * reset/refused/timed-out connections, "socket hang up". Follows `cause` chains; a `LithopsError`
 * is transient only when it is `UNAVAILABLE` or `THROTTLED`.
 */
export function isTransientError(err: unknown): boolean {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 8; depth++) {
    const rec = e as Record<string, unknown>;
    if (LithopsError.isInstance(e)) {
      if (e.code === 'UNAVAILABLE' || e.code === 'THROTTLED') return true;
      if (e.code !== 'INTERNAL') return false;
    } else {
      if (rec.name === 'AbortError') return false;
      const status = httpStatus(rec);
      if (status !== undefined && (status >= 500 || status === 408 || status === 429)) return true;
      if (status !== undefined && status >= 400) return false;
      for (const c of [rec.code, rec.name, rec.errno]) {
        if (typeof c === 'string' && TRANSIENT_CODES.has(c)) return true;
      }
      if (rec.retryable === true || rec.$retryable) return true;
      if (typeof rec.message === 'string' && TRANSIENT_MESSAGE.test(rec.message)) return true;
    }
    e = rec.cause;
  }
  return false;
}

/** "Full jitter" backoff: a random delay up to `min(maxMs, baseMs * 2^attempt)`. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.floor(Math.random() * Math.min(maxMs, baseMs * 2 ** attempt));
}

/**
 * Calls `fn` until it resolves, an error is not retryable, or `retries` retries are used up; then
 * the last error is thrown unchanged. `fn` gets the attempt number (0 for the first call).
 */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  opts: RetryOptions = {},
): Promise<T> {
  const { retries = 4, baseMs = 100, maxMs = 2000, isRetryable = isTransientError, signal, onRetry } = opts;
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= retries || signal?.aborted || !isRetryable(err, attempt)) throw err;
      const delay = backoffDelay(attempt, baseMs, maxMs);
      onRetry?.(err, attempt, delay);
      await sleep(delay, undefined, signal ? { signal } : undefined);
    }
  }
}
