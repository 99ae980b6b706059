import { z } from 'zod/v3';

/**
 * Keys every serverless backend section shares (Lithops' names), so `aws_lambda:`,
 * `gcp_functions:`, ... read alike. A backend spreads this shape into its own schema.
 */
export const serverlessSectionShape = {
  /** Runtime name; part of the deployed function's name. */
  runtime: z.string().min(1).default('default'),
  /** Memory of the deployed function, in MB (also the default heap of its calls). */
  runtime_memory: z.number().int().positive().default(256),
  /** Timeout of the deployed function, in seconds: an invocation's deadline cannot exceed it. */
  runtime_timeout: z.number().int().positive().default(180),
  /** Invocations in flight at most (default: the backend's limit). */
  max_workers: z.number().int().positive().optional(),
  /** Invoke requests the client sends at once. */
  invoke_pool_threads: z.number().int().positive().default(64),
  /**
   * One invocation fans out the others from inside the cloud. Default: only for jobs of more
   * than `remote_invoker_threshold` invocations.
   */
  remote_invoker: z.boolean().optional(),
  remote_invoker_threshold: z.number().int().positive().default(20_000),
};

/** The parsed shared keys, as the invoker reads them from a backend's section. */
export interface ServerlessSettings {
  max_workers?: number;
  invoke_pool_threads?: number;
  remote_invoker?: boolean;
  remote_invoker_threshold?: number;
}
