import { classifyStorageError, type StorageFailure, type StorageOp } from '@lithops/core/plugin';

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

/** The mapping table: what kind of failure a Blob error is. */
export function classifyAzureError(err: unknown, op: StorageOp): StorageFailure {
  const status = azureStatus(err);
  let code = azureCode(err);
  if (code === 'REQUEST_SEND_ERROR') code = undefined; // a network failure: let the cause chain decide
  return classifyStorageError(err, { status, code, hasKey: op.key !== undefined });
}
