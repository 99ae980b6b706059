import { z } from 'zod/v3';

/**
 * Config keys that storage backends share, as zod shapes to spread into a section's
 * `z.object({...})`: same names, bounds and defaults everywhere, so a user who learnt one backend's
 * tuning knows the others'.
 */

/** `retries`: retries of a failed request (connection reset, 5xx, throttling), with jittered backoff. */
export const retryKeys = {
  retries: z.number().int().nonnegative().default(4),
};

/**
 * `connect_timeout`: seconds to wait for a connection before an attempt fails;
 * `read_timeout`: seconds a request may stay idle (no bytes) before the attempt fails.
 */
export function connectionTimeoutKeys(connectSeconds: number) {
  return {
    connect_timeout: z.number().positive().default(connectSeconds),
    read_timeout: z.number().positive().default(60),
  };
}

/**
 * For SDKs with one per-request timeout and no multi-delete: `request_timeout` in seconds, and
 * `delete_concurrency`, deletes in flight at once in `deleteObjects`.
 */
export const requestTuningKeys = {
  request_timeout: z.number().positive().default(60),
  delete_concurrency: z.number().int().positive().default(32),
};
