import { LithopsError } from '../errors.js';
import { isTransientError, type RetryOptions, withRetries } from '../util/retry.js';
import { CircuitBreaker, type CircuitBreakerOptions, CircuitOpenError } from './circuit-breaker.js';
import { type StorageCallContext, type StorageFailure, storageError } from './errors.js';

/** One storage call as a backend names it; the backend and endpoint are filled in by `StorageCalls`. */
export type StorageOp = Omit<StorageCallContext, 'backend' | 'endpoint'>;

export interface StorageCallsOptions {
  /** Config name of the backend, e.g. `aws_s3`. */
  backend: string;
  /** Endpoint shown in messages (never with credentials). */
  endpoint: string;
  /** How every call is retried (the SDKs' own retries are off, so this is the only bound). */
  retry: RetryOptions;
  /** When the endpoint is taken for down and requests fail at once. Default: see `CircuitBreaker`. */
  breaker?: CircuitBreakerOptions | undefined;
  /** The backend's mapping table: what kind of failure an SDK error is. */
  classify(err: unknown, op: StorageOp): StorageFailure | Promise<StorageFailure>;
  /** Removes secrets an SDK keeps on its errors, before one becomes a `cause`. */
  scrub?(err: unknown): void;
}

/**
 * The glue every storage backend repeats around its SDK calls: retry with core's bounded backoff,
 * through one circuit breaker per backend instance (so a dead endpoint fails the next calls at
 * once), then turn what still fails into a `LithopsError` with a stable code, the op and the endpoint.
 */
export class StorageCalls {
  private readonly breaker: CircuitBreaker;
  private readonly retry: RetryOptions;

  constructor(readonly opts: StorageCallsOptions) {
    this.breaker = new CircuitBreaker(opts.breaker);
    const isRetryable = opts.retry.isRetryable ?? isTransientError;
    this.retry = {
      ...opts.retry,
      isRetryable: (e, attempt) => !(e instanceof CircuitOpenError) && isRetryable(e, attempt),
    };
  }

  /** Runs one idempotent call with retries; a final failure becomes a LithopsError. */
  async run<T>(op: StorageOp, fn: (attempt: number) => Promise<T>): Promise<T> {
    try {
      return await this.retried(fn);
    } catch (e) {
      throw await this.fail(op, e);
    }
  }

  /** Retries without mapping, for steps of a larger operation that maps its failure once. */
  retried<T>(fn: (attempt: number) => Promise<T>): Promise<T> {
    return withRetries((attempt) => this.attempt(() => fn(attempt)), this.retry);
  }

  /** One request through the circuit breaker, without retries (e.g. a resumed read's next range). */
  attempt<T>(fn: () => Promise<T>): Promise<T> {
    return this.breaker.call(fn);
  }

  /** The LithopsError for a failed call (one already mapped is passed on as it is). */
  async fail(op: StorageOp, err: unknown): Promise<LithopsError> {
    if (LithopsError.isInstance(err)) return err;
    const failure = err instanceof CircuitOpenError ? 'unavailable' : await this.opts.classify(err, op);
    return this.error(failure, op, err);
  }

  /** The LithopsError for a failure the backend found itself (e.g. a missing key in Redis). */
  error(failure: StorageFailure, op: StorageOp, cause: unknown): LithopsError {
    this.opts.scrub?.(cause);
    return storageError(failure, { ...op, backend: this.opts.backend, endpoint: this.opts.endpoint }, cause);
  }
}
