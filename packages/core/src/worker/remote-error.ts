import type { RemoteErrorData } from './status.js';

/** Turns anything thrown into data that survives the trip to the client. */
export function serializeError(e: unknown, depth = 0): RemoteErrorData {
  if (typeof e === 'object' && e !== null && 'message' in e) {
    const err = e as Error & { code?: unknown };
    const out: RemoteErrorData = { name: String(err.name ?? 'Error'), message: String(err.message) };
    if (typeof err.stack === 'string') out.stack = err.stack;
    if (typeof err.code === 'string' || typeof err.code === 'number') out.code = err.code;
    if (err.cause !== undefined && depth < 5) out.cause = serializeError(err.cause, depth + 1);
    return out;
  }
  return { name: 'Error', message: `Non-error value thrown: ${safeString(e)}` };
}

function safeString(v: unknown): string {
  try {
    return typeof v === 'string' ? JSON.stringify(v) : String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

const BUILTIN: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** Rebuilds a remote error on the client: same name, message, remote stack, code and cause. */
export function rebuildError(data: RemoteErrorData): Error {
  const Ctor = BUILTIN[data.name] ?? Error;
  const err = new Ctor(
    data.message,
    data.cause ? { cause: rebuildError(data.cause) } : undefined,
  ) as Error & { code?: unknown };
  if (err.name !== data.name)
    Object.defineProperty(err, 'name', { value: data.name, configurable: true, writable: true });
  if (data.stack) err.stack = data.stack;
  if (data.code !== undefined) err.code = data.code;
  return err;
}
