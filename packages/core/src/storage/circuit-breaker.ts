import { LithopsError } from '../errors.js';

/** When a storage endpoint is taken for down, and for how long. */
export interface CircuitBreakerOptions {
  /** Requests in a row that failed to connect before the circuit opens. Default 5. */
  failures?: number;
  /** How long an open circuit fails requests at once before one probe is let through, in ms. Default 2000. */
  coolDownMs?: number;
  /**
   * The failures in a row must span at least this long, in ms, so that a burst of requests lost
   * together (one dropped connection, a flaky network under many requests at once) does not open
   * the circuit while other requests get through. Default 1000.
   */
  minStreakMs?: number;
}

/** Error codes (and SDK error names) of a request that never got an answer from the server. */
const NO_ANSWER_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'TimeoutError',
  'NetworkingError',
  'RequestTimeout',
  'MaxRetriesPerRequestError',
]);

const NO_ANSWER_MESSAGE =
  /socket hang up|ECONNREFUSED|ECONNRESET|ETIMEDOUT|timed? ?out|Connection is closed/i;

function statusOf(rec: Record<string, unknown>): unknown {
  return (
    (rec.$metadata as { httpStatusCode?: unknown } | undefined)?.httpStatusCode ??
    rec.statusCode ??
    rec.status
  );
}

/**
 * True when a request got no answer at all: refused, reset, timed out, name not found. An answer
 * (any HTTP status, a 404, access denied, a Redis error reply) is not a connection failure.
 * Follows `cause` chains.
 */
export function isConnectionFailure(err: unknown): boolean {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 8; depth++) {
    const rec = e as Record<string, unknown>;
    if (LithopsError.isInstance(e) && e.code !== 'UNAVAILABLE' && e.code !== 'INTERNAL') return false;
    if (typeof statusOf(rec) === 'number') return false;
    for (const c of [rec.code, rec.name, rec.errno]) {
      if (typeof c === 'string' && NO_ANSWER_CODES.has(c)) return true;
    }
    if (typeof rec.message === 'string' && NO_ANSWER_MESSAGE.test(rec.message)) return true;
    e = rec.cause;
  }
  return false;
}

/** The code of a connection failure, for the message of later refusals (never the SDK error itself). */
function failureText(err: unknown): string {
  const rec = err as Record<string, unknown>;
  for (const c of [rec.code, rec.name]) if (typeof c === 'string' && c !== 'Error') return c;
  return 'no answer';
}

/** The error of a request an open circuit refused without sending it. */
export class CircuitOpenError extends Error {
  readonly code = 'ECIRCUITOPEN';
  constructor(failures: number, retryInMs: number, last: string) {
    super(
      `not sent: the last ${failures} requests failed to connect (${last}); the next one goes out in ${Math.ceil(retryInMs / 100) / 10} s`,
    );
    this.name = 'CircuitOpenError';
  }
}

/**
 * A circuit breaker for one endpoint of one backend instance. After `failures` requests in a row
 * failed to connect, requests fail at once (`CircuitOpenError`) for `coolDownMs`; then one probe
 * is let through (the others still fail at once): its success closes the circuit, a connection
 * failure opens it for another cool-down. Any answer from the server counts as a success.
 */
export class CircuitBreaker {
  private readonly threshold: number;
  private readonly coolDownMs: number;
  private readonly minStreakMs: number;
  private inARow = 0;
  private streakStart = 0;
  private openUntil = 0;
  private probing = false;
  private lastFailure = '';

  constructor(opts: CircuitBreakerOptions = {}) {
    this.threshold = opts.failures ?? 5;
    this.coolDownMs = opts.coolDownMs ?? 2000;
    this.minStreakMs = opts.minStreakMs ?? 1000;
  }

  private get tripped(): boolean {
    return this.inARow >= this.threshold && this.openUntil > 0;
  }

  /** Sends one request through the breaker. */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    const tripped = this.tripped;
    if (tripped) {
      const wait = this.openUntil - Date.now();
      if (wait > 0 || this.probing)
        throw new CircuitOpenError(this.inARow, Math.max(wait, 0), this.lastFailure);
      this.probing = true;
    }
    try {
      const value = await fn();
      this.reset();
      return value;
    } catch (e) {
      if (isConnectionFailure(e)) this.failed(e);
      else this.reset();
      throw e;
    } finally {
      if (tripped) this.probing = false;
    }
  }

  private reset(): void {
    this.inARow = 0;
    this.openUntil = 0;
  }

  private failed(e: unknown): void {
    const now = Date.now();
    if (this.inARow++ === 0) this.streakStart = now;
    this.lastFailure = failureText(e);
    if (this.tripped || (this.inARow >= this.threshold && now - this.streakStart >= this.minStreakMs))
      this.openUntil = now + this.coolDownMs;
  }
}
