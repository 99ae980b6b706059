import { z } from 'zod/v3';

/** The `localhost:` section, shared by the localhost compute and storage backends. */
export const localhostSectionSchema = z.strictObject({
  /** Worker processes in the pool. Default: the number of cores. */
  worker_processes: z.number().int().positive().optional(),
  /** Default heap limit of a call, in MB. Default: none (Node's own). */
  runtime_memory: z.number().int().positive().optional(),
  /** Storage folder. Default: `<os tmpdir>/lithops-<uid>/storage` (0700, this user's only). */
  storage_dir: z.string().min(1).optional(),
  storage_bucket: z.string().min(1).default('storage'),
  /** Results whose encoding is larger than this travel through storage instead of IPC. */
  max_inline_result_bytes: z
    .number()
    .int()
    .nonnegative()
    .default(8 * 2 ** 20),
});
