import { LithopsError, type LithopsErrorCode } from '@lithops/core/plugin';

const CODES: Record<string, LithopsErrorCode> = {
  ResourceNotFoundException: 'NOT_FOUND',
  TooManyRequestsException: 'THROTTLED',
  ThrottlingException: 'THROTTLED',
  EC2ThrottledException: 'THROTTLED',
  AccessDeniedException: 'ACCESS_DENIED',
  UnrecognizedClientException: 'ACCESS_DENIED',
  InvalidSignatureException: 'ACCESS_DENIED',
  ExpiredTokenException: 'ACCESS_DENIED',
  MissingAuthenticationTokenException: 'ACCESS_DENIED',
  IncompleteSignatureException: 'ACCESS_DENIED',
  RequestTooLargeException: 'PAYLOAD_TOO_LARGE',
  InvalidParameterValueException: 'CONFIG_INVALID',
  ServiceException: 'UNAVAILABLE',
  ResourceNotReadyException: 'UNAVAILABLE',
  ResourceConflictException: 'UNAVAILABLE',
  TimeoutError: 'UNAVAILABLE',
};

const HINTS: Partial<Record<LithopsErrorCode, string>> = {
  NOT_FOUND: 'Deploy the runtime again (lithops runtime deploy), or check the region.',
  THROTTLED: 'Lower max_workers, or ask AWS for more concurrency.',
  ACCESS_DENIED: 'Check the AWS credentials (env, profile or role) and their Lambda permissions.',
  CONFIG_INVALID: 'Check the aws_lambda section (execution_role, memory, timeout).',
  UNAVAILABLE: 'Lambda is unavailable now; try again.',
};

/**
 * An AWS SDK error as a LithopsError; the SDK error is kept as `cause`, never its request. Only
 * the first paragraph of the message is kept (in the cause too): a signature error goes on with
 * the canonical request AWS computed, whose header values include the session token.
 */
export function lambdaError(e: unknown, doing: string): LithopsError {
  if (LithopsError.isInstance(e)) return e;
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = err.$metadata?.httpStatusCode;
  const code: LithopsErrorCode =
    CODES[err.name ?? ''] ??
    (status === 429 ? 'THROTTLED' : status && status >= 500 ? 'UNAVAILABLE' : 'INTERNAL');
  const full = err.message ?? String(e);
  const first = full.split('\n\n')[0]!;
  if (first !== full && e instanceof Error) {
    // The cause is trimmed alike: it is logged and shown with the error.
    e.message = first;
    if (e.stack) e.stack = e.stack.replace(full, first);
  }
  const message = first.replace(/\.$/, '');
  return new LithopsError(code, `${doing} failed: ${err.name ?? 'Error'}: ${message}.`, {
    backend: 'aws_lambda',
    hint: HINTS[code],
    cause: e,
  });
}
