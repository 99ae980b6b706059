import { LithopsError } from '../errors.js';
import { type RetryOptions, withRetries } from '../util/retry.js';
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
  /** The backend's mapping table: what kind of failure an SDK error is. */
  classify(err: unknown, op: StorageOp): StorageFailure | Promise<StorageFailure>;
  /** Removes secrets an SDK keeps on its errors, before one becomes a `cause`. */
  scrub?(err: unknown): void;
}

/**
 * The glue every storage backend repeats around its SDK calls: retry with core's bounded backoff,
 * then turn what still fails into a `LithopsError` with a stable code, the op and the endpoint.
 */
export class StorageCalls {
  constructor(readonly opts: StorageCallsOptions) {}

  /** Runs one idempotent call with retries; a final failure becomes a LithopsError. */
  async run<T>(op: StorageOp, fn: (attempt: number) => Promise<T>): Promise<T> {
    try {
      return await withRetries(fn, this.opts.retry);
    } catch (e) {
      throw await this.fail(op, e);
    }
  }

  /** Retries without mapping, for steps of a larger operation that maps its failure once. */
  retried<T>(fn: (attempt: number) => Promise<T>): Promise<T> {
    return withRetries(fn, this.opts.retry);
  }

  /** The LithopsError for a failed call (one already mapped is passed on as it is). */
  async fail(op: StorageOp, err: unknown): Promise<LithopsError> {
    if (LithopsError.isInstance(err)) return err;
    const failure = await this.opts.classify(err, op);
    return this.error(failure, op, err);
  }

  /** The LithopsError for a failure the backend found itself (e.g. a missing key in Redis). */
  error(failure: StorageFailure, op: StorageOp, cause: unknown): LithopsError {
    this.opts.scrub?.(cause);
    return storageError(failure, { ...op, backend: this.opts.backend, endpoint: this.opts.endpoint }, cause);
  }
}
