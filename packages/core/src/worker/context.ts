import type { Storage } from '../storage/storage.js';
import type { Logger } from '../util/logger.js';

/** The second argument of every function Lithops runs: `fn(input, ctx)`. */
export interface CallContext<A = unknown> {
  /** Index of the call in its job (0-based). */
  id: number;
  /** Call id as used in storage keys (`00000`, `00001`, ...). */
  callId: string;
  /** `<executorId>-<jobId>`. */
  jobKey: string;
  /** The map's `extraArgs` (or a reducer's `extraArgsReduce`); never merged into the input. */
  extraArgs: A;
  /** Aborted when the call is cancelled. */
  signal: AbortSignal;
  /** Lines logged here are kept with the call's output. */
  log: Logger;
  /** Storage bound to the job's backend (created on first use). */
  readonly storage: Storage;
}
