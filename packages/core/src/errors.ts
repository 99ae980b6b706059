/**
 * The one error type that crosses every boundary (backends, workers, the executor).
 * Marked with a global symbol so `LithopsError.isInstance` works across duplicate copies of core.
 */
const MARK = Symbol.for('lithops.error');

/** Stable error codes. Match on `err.code`, never on the message. */
export type LithopsErrorCode =
  | 'NOT_FOUND'
  | 'ACCESS_DENIED'
  | 'UNAVAILABLE'
  | 'THROTTLED'
  | 'TIMEOUT'
  | 'OUT_OF_MEMORY'
  | 'WORKER_DIED'
  | 'WORKER_LOST'
  | 'PAYLOAD_TOO_LARGE'
  | 'FUNCTION_ERROR'
  | 'CONFIG_INVALID'
  | 'BACKEND_NOT_FOUND'
  | 'PLUGIN_INVALID'
  | 'UNSERIALIZABLE'
  | 'CLOSURE'
  | 'INVALID_ARGUMENT'
  | 'ABORTED'
  | 'INTERNAL';

export interface LithopsErrorOptions {
  /** Backend or component name shown in the `[lithops] [<backend>]` prefix. Default `core`. */
  backend?: string;
  /** What the user should do next; appended to the message. */
  hint?: string;
  cause?: unknown;
}

export class LithopsError extends Error {
  readonly code: LithopsErrorCode;
  readonly backend: string;
  readonly hint: string | undefined;

  constructor(code: LithopsErrorCode, message: string, options: LithopsErrorOptions = {}) {
    const backend = options.backend ?? 'core';
    super(`[lithops] [${backend}] ${message}${options.hint ? ` ${options.hint}` : ''}`, {
      cause: options.cause,
    });
    this.name = 'LithopsError';
    this.code = code;
    this.backend = backend;
    this.hint = options.hint;
    Object.defineProperty(this, MARK, { value: true });
  }

  /** True for any LithopsError, even one made by another copy of `@lithops/core`. */
  static isInstance(value: unknown): value is LithopsError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARK] === true;
  }

  /** True when `value` is a LithopsError with the given code. */
  static is(value: unknown, code: LithopsErrorCode): value is LithopsError {
    return LithopsError.isInstance(value) && value.code === code;
  }
}
