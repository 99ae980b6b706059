import { z } from 'zod/v3';
import type { RetryOptions } from '../util/retry.js';
import type { CircuitBreakerOptions } from './circuit-breaker.js';

/**
 * Config keys that storage backends share, as zod shapes to spread into a section's
 * `z.object({...})`: same names, bounds and defaults everywhere, so a user who learnt one backend's
 * tuning knows the others'.
 */

/**
 * `retries`: retries of a failed request (connection reset, 5xx, throttling), with jittered backoff;
 * `breaker_failures`: requests in a row that fail to connect before calls to the endpoint fail at
 * once; `breaker_cooldown`: seconds they fail at once before one probe request goes out.
 */
export const retryKeys = {
  retries: z.number().int().nonnegative().default(4),
  breaker_failures: z.number().int().positive().default(5),
  breaker_cooldown: z.number().nonnegative().default(2),
};

/** The `StorageCalls` retry and breaker options of a section parsed with `retryKeys`. */
export function callTuning(section: {
  retries: number;
  breaker_failures: number;
  breaker_cooldown: number;
}): {
  retry: RetryOptions;
  breaker: CircuitBreakerOptions;
} {
  return {
    retry: { retries: section.retries, baseMs: 100, maxMs: 2000 },
    breaker: { failures: section.breaker_failures, coolDownMs: section.breaker_cooldown * 1000 },
  };
}

/**
 * `connect_timeout`: seconds to wait for a connection before an attempt fails;
 * `read_timeout`: seconds a request may stay idle (no bytes) before the attempt fails.
 */
export function connectionTimeoutKeys(connectSeconds: number) {
  return {
    connect_timeout: z.number().positive().default(connectSeconds),
    read_timeout: z.number().positive().default(5),
  };
}

/**
 * For SDKs with one per-request timeout and no multi-delete: `request_timeout` in seconds, and
 * `delete_concurrency`, deletes in flight at once in `deleteObjects`.
 */
export const requestTuningKeys = {
  request_timeout: z.number().positive().default(5),
  delete_concurrency: z.number().int().positive().default(32),
};
