import {
  classifyStorageError,
  type LithopsError,
  type StorageCallContext,
  storageError,
} from '@lithops/core/plugin';

/** HTTP status of an `@azure/core-rest-pipeline` RestError. */
export function azureStatus(err: unknown): number | undefined {
  const s = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

/** The service's error code (`x-ms-error-code`, also sent on HEAD), else the network error code. */
export function azureCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; details?: { errorCode?: unknown } } | null;
  const detail = e?.details?.errorCode;
  if (typeof detail === 'string') return detail;
  return typeof e?.code === 'string' ? e.code : undefined;
}

/** Maps any failure of a Blob call to the LithopsError core expects (stable code, SDK error as cause). */
export function toLithopsError(err: unknown, ctx: StorageCallContext): LithopsError {
  const status = azureStatus(err);
  let code = azureCode(err);
  if (code === 'REQUEST_SEND_ERROR') code = undefined; // a network failure: let the cause chain decide
  return storageError(classifyStorageError(err, { status, code, hasKey: ctx.key !== undefined }), ctx, err);
}
