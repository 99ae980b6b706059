import {
  classifyStorageError,
  isTransientError,
  type StorageFailure,
  type StorageOp,
} from '@lithops/core/plugin';

/** HTTP status of an error from the SDK (`ApiError.code`), gaxios (`status`) or our chunk uploads. */
export function gcsStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; status?: unknown; response?: { status?: unknown } };
  for (const v of [e.code, e.status, e.response?.status]) if (typeof v === 'number') return v;
  return undefined;
}

/** GCS retries 408, 429 and 5xx; everything else decided by core's rules (resets, timeouts). */
export function isRetryableGcsError(err: unknown): boolean {
  const status = gcsStatus(err);
  if (status !== undefined) return status >= 500 || status === 429 || status === 408;
  return isTransientError(err);
}

function reasonOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; errors?: { reason?: unknown }[] };
  if (typeof e.code === 'string') return e.code;
  const reason = e.errors?.[0]?.reason;
  return typeof reason === 'string' ? reason : undefined;
}

/** Drops bearer tokens that gaxios keeps on its errors, so printing a `cause` shows no secret. */
export function redact(err: unknown): void {
  const seen = new Set<unknown>();
  const visit = (o: unknown, depth: number) => {
    if (typeof o !== 'object' || o === null || seen.has(o) || depth > 4) return;
    seen.add(o);
    const rec = o as Record<string, unknown>;
    for (const k of Object.keys(rec)) {
      if (/^(authorization|x-goog-encryption-key|private_key)$/i.test(k)) rec[k] = '[redacted]';
      else if (['config', 'headers', 'response', 'request', 'cause'].includes(k)) visit(rec[k], depth + 1);
    }
  };
  try {
    visit(err, 0);
  } catch {}
}

/** GCS sends 404 for both a missing object and a missing bucket; only the message tells them apart. */
export function isMissingBucket(err: unknown): boolean {
  const message = (err as { message?: unknown } | null)?.message;
  return gcsStatus(err) === 404 && typeof message === 'string' && /bucket does not exist/i.test(message);
}

/** The mapping table: what kind of failure a GCS error is. */
export function classifyGcsError(err: unknown, op: StorageOp): StorageFailure {
  const status = gcsStatus(err);
  let code = reasonOf(err);
  if (isMissingBucket(err)) code = 'BucketNotFound';
  else if (status === 404) code = op.key !== undefined ? 'NoSuchKey' : 'BucketNotFound';
  return classifyStorageError(err, { status, code, hasKey: op.key !== undefined });
}
