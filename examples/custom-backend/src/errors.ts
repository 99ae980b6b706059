import { LithopsError } from '@lithops/core/plugin';

/** True for a Node fs error with one of the codes. */
export function isFsError(e: unknown, ...codes: string[]): e is NodeJS.ErrnoException {
  return e instanceof Error && codes.includes((e as NodeJS.ErrnoException).code ?? '');
}

/**
 * The LithopsError for a failed file operation. Errors cross the plugin boundary as LithopsError
 * with a stable code and the original error as `cause`; the message names the object and says
 * what to do, and core prefixes it with `[lithops] [<backend>]`.
 */
export function fsError(backend: string, e: unknown, where: { bucket: string; key?: string }): LithopsError {
  if (LithopsError.isInstance(e)) return e;
  const { bucket, key } = where;
  if (isFsError(e, 'ENOENT') && key !== undefined) {
    return new LithopsError('NOT_FOUND', `Object "${key}" not found in bucket "${bucket}".`, {
      backend,
      hint: 'Check the key (listing the bucket shows what is there).',
      cause: e,
    });
  }
  if (isFsError(e, 'EACCES', 'EPERM')) {
    return new LithopsError('ACCESS_DENIED', `No permission for ${e.path ?? `bucket "${bucket}"`}.`, {
      backend,
      hint: 'Check the permissions of the storage folder.',
      cause: e,
    });
  }
  return new LithopsError('INTERNAL', `A file operation on bucket "${bucket}" failed: ${String(e)}`, {
    backend,
    cause: e,
  });
}

export function bucketNotFound(backend: string, bucket: string, cause?: unknown): LithopsError {
  return new LithopsError('NOT_FOUND', `Bucket "${bucket}" not found.`, {
    backend,
    hint: `Create it (storage.createBucket("${bucket}")) or check the bucket name.`,
    cause,
  });
}
