import { LithopsError } from '@lithops/core';
import { USAGE } from './args.js';
import { UsageError } from './usage-error.js';

/** Exit codes: 1 for a failed command, 2 for a wrong command line (as most Unix tools). */
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/**
 * Prints an error the way a user needs it: a LithopsError's message already says what happened
 * and what to do, so no stack; other errors get their stack only with `--log-level DEBUG`.
 */
export function reportError(e: unknown, debug: boolean): number {
  if (e instanceof UsageError) {
    process.stderr.write(`lithops: ${e.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (LithopsError.isInstance(e)) {
    process.stderr.write(`${e.message}\n`);
    if (debug && e.cause) process.stderr.write(`cause: ${describe(e.cause, true)}\n`);
    return EXIT_FAILED;
  }
  process.stderr.write(`lithops: ${describe(e, debug)}\n`);
  return EXIT_FAILED;
}

function describe(e: unknown, withStack: boolean): string {
  if (e instanceof Error) return withStack && e.stack ? e.stack : e.message;
  return String(e);
}
