import type { ConfigOptions } from '../config/load.js';
import type { CallContext } from '../worker/context.js';

/** `returnWhen` values, as in Lithops: wait for nothing, any, or all; or give a percentage. */
export const ALWAYS = 0;
export const ANY_COMPLETED = -1;
export const ALL_COMPLETED = 100;

export interface ExecutorOptions extends ConfigOptions {
  /** Seconds running calls get to finish when the executor is closed. Default 10. */
  closeGraceSec?: number;
  /** Other keys are settings of the compute backend's config section (as the reference's kwargs). */
  [backendSetting: string]: unknown;
}

export interface CallOptions {
  /**
   * Extra environment variables, set for each call and restored after it. The values travel with
   * the job's data (in every invocation payload, and through storage when a payload is large), so
   * they are not for secrets: give those to the functions at deploy time instead, with the
   * `env_vars` of the backend's config section (e.g. `aws_lambda.env_vars`).
   */
  extraEnv?: Record<string, string>;
  /** Heap limit of each call, in MB. */
  runtimeMemory?: number;
  /** Per-call timeout in seconds. Default: `lithops.execution_timeout`. */
  timeout?: number;
  /** Only these packages are bundled with the function; the rest must exist in the runtime. */
  includeModules?: string[];
  /** These packages are not bundled; they must exist in the runtime. */
  excludeModules?: string[];
  /** Cancels calls that have not started. */
  signal?: AbortSignal;
}

export interface MapOptions<A = unknown> extends CallOptions {
  /** Calls per invocation. Default: `lithops.chunksize` (1). */
  chunksize?: number;
  /** Delivered to every call as `ctx.extraArgs`; never merged into the input. */
  extraArgs?: A;
}

export interface WaitOptions {
  /** Throw the first call error instead of returning. Default true. */
  throwExcept?: boolean;
  /** ALWAYS, ANY_COMPLETED, ALL_COMPLETED (default) or a percentage of the futures. */
  returnWhen?: number;
  /** Also fetch results kept in storage. Default false. */
  downloadResults?: boolean;
  /** Seconds to wait at most. */
  timeout?: number;
  /** Seconds between status checks (storage monitoring). */
  waitDurSec?: number;
  /** Show progress on stderr. Default true. */
  showProgressbar?: boolean;
  signal?: AbortSignal;
}

/** A function Lithops can run: `fn(input, ctx)`, sync or async. */
export type LithopsFunction<T, R, A = unknown> = (input: T, ctx: CallContext<A>) => R | Promise<R>;
