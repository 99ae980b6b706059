import { LithopsError } from '../errors.js';
import { isTransientError } from '../util/retry.js';

/** What went wrong with a storage call, independent of the SDK that reported it. */
export type StorageFailure =
  | 'no-such-key'
  | 'no-such-bucket'
  | 'access-denied'
  | 'unavailable'
  | 'throttled'
  | 'invalid'
  | 'other';

/** Where a storage call went: named in the message so the user knows which object or endpoint. */
export interface StorageCallContext {
  /** Config name of the backend, shown as `[lithops] [<backend>]`. */
  backend: string;
  /** What was being done, e.g. `getObject`. */
  op: string;
  bucket?: string;
  key?: string;
  /** Endpoint or host, without credentials. */
  endpoint?: string;
}

const DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AllAccessDisabled',
  'Forbidden',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidToken',
  'ExpiredToken',
  'TokenRefreshRequired',
  'AuthorizationHeaderMalformed',
  'AuthenticationFailed',
  'Unauthorized',
  'CredentialsError',
  'CredentialsProviderError',
  'NOAUTH',
  'WRONGPASS',
  'NOPERM',
]);

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  'UnknownEndpoint',
  'NetworkingError',
  'TimeoutError',
]);

const THROTTLE_CODES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequests',
  'RequestLimitExceeded',
]);

/**
 * Maps the status and code of an HTTP-style storage error (S3, COS, GCS, Azure) to a failure kind.
 * `hasKey` tells a 404 on an object from a 404 on a bucket when the service sends no code (HEAD).
 */
export function classifyStorageError(
  err: unknown,
  fields: { status?: number | undefined; code?: string | undefined; hasKey: boolean },
): StorageFailure {
  const { status, code, hasKey } = fields;
  if (code === 'NoSuchBucket' || code === 'ContainerNotFound' || code === 'BucketNotFound')
    return 'no-such-bucket';
  if (code === 'NoSuchKey' || code === 'BlobNotFound') return 'no-such-key';
  if ((code && DENIED_CODES.has(code)) || status === 401 || status === 403) return 'access-denied';
  if (status === 404 || code === 'NotFound') return hasKey ? 'no-such-key' : 'no-such-bucket';
  if ((code && THROTTLE_CODES.has(code)) || status === 429 || status === 503) return 'throttled';
  if (code && UNREACHABLE_CODES.has(code)) return 'unavailable';
  if (status !== undefined && status >= 400 && status < 500) return 'invalid';
  if (isTransientError(err)) return 'unavailable';
  return 'other';
}

function where(ctx: StorageCallContext): string {
  if (ctx.key !== undefined) return `"${ctx.key}" in bucket "${ctx.bucket}"`;
  if (ctx.bucket !== undefined) return `bucket "${ctx.bucket}"`;
  return 'storage';
}

function causeText(cause: unknown): string {
  if (typeof cause !== 'object' || cause === null) return String(cause);
  const e = cause as { code?: unknown; name?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : '';
  const msg = typeof e.message === 'string' ? e.message.split('\n')[0] : '';
  return [code, msg].filter(Boolean).join(': ') || 'unknown error';
}

/** Builds the LithopsError for a failed storage call: stable code, clear message, SDK error as `cause`. */
export function storageError(failure: StorageFailure, ctx: StorageCallContext, cause: unknown): LithopsError {
  const opts = { backend: ctx.backend, cause };
  const at = ctx.endpoint ? ` at ${ctx.endpoint}` : '';
  switch (failure) {
    case 'no-such-key':
      return new LithopsError('NOT_FOUND', `Object "${ctx.key}" not found in bucket "${ctx.bucket}".`, opts);
    case 'no-such-bucket':
      return new LithopsError('NOT_FOUND', `Bucket "${ctx.bucket}" does not exist${at}.`, {
        ...opts,
        hint: `Create it, or set ${ctx.backend}.storage_bucket to an existing bucket.`,
      });
    case 'access-denied':
      return new LithopsError('ACCESS_DENIED', `Access denied (${ctx.op} on ${where(ctx)}${at}).`, {
        ...opts,
        hint: `Check the credentials in the ${ctx.backend} config section or the SDK's default credential chain, and their permissions.`,
      });
    case 'unavailable':
      return new LithopsError(
        'UNAVAILABLE',
        `Storage endpoint${at} is unreachable (${ctx.op} on ${where(ctx)}: ${causeText(cause)}).`,
        {
          ...opts,
          hint: 'Check the endpoint in the config, the network, and that the service is running.',
        },
      );
    case 'throttled':
      return new LithopsError(
        'THROTTLED',
        `Storage kept throttling ${ctx.op} on ${where(ctx)}${at} after retries.`,
        {
          ...opts,
          hint: 'Lower the concurrency or retry later.',
        },
      );
    case 'invalid':
      return new LithopsError(
        'INVALID_ARGUMENT',
        `${ctx.op} on ${where(ctx)} was refused: ${causeText(cause)}.`,
        opts,
      );
    default:
      return new LithopsError('INTERNAL', `${ctx.op} on ${where(ctx)} failed: ${causeText(cause)}.`, opts);
  }
}
