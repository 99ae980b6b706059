import { z } from 'zod/v3';

/** The `lithops:` section, with Lithops' key names and defaults. */
export const lithopsSectionSchema = z.strictObject({
  backend: z.string().min(1).default('localhost'),
  storage: z.string().min(1).default('localhost'),
  mode: z.enum(['localhost', 'serverless', 'standalone']).optional(),
  monitoring: z.string().min(1).default('storage'),
  /** Seconds between status polls (storage monitoring). */
  monitoring_interval: z.number().positive().default(2),
  log_level: z.enum(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'NONE']).default('WARNING'),
  /** Default per-call timeout in seconds. */
  execution_timeout: z.number().int().positive().default(1800),
  max_workers: z.number().int().positive().optional(),
  /** Default number of calls per invocation. */
  chunksize: z.number().int().positive().default(1),
  /** Largest encoded input of one call, in MiB (as Lithops' data_limit). */
  data_limit: z.number().positive().default(4),
  /** Remove job data when the executor is disposed. */
  data_cleaner: z.boolean().default(true),
  /** Storage key prefix for job data. */
  jobs_prefix: z.string().min(1).default('lithops.jobs'),
});

export type LithopsSection = z.output<typeof lithopsSectionSchema>;
