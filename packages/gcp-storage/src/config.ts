import { requestTuningKeys, retryKeys, z } from '@lithops/core/plugin';

/** Chunks of a resumable upload must be multiples of 256 KiB (except the last). */
const CHUNK_UNIT = 256 * 1024;

/**
 * The shared `gcp:` section (as in Lithops). Other GCP backends keep their own keys here too, so
 * keys this backend does not know are left alone.
 */
export const gcpSectionSchema = z
  .object({
    /** Service account key file (JSON). Relative paths are taken from the config file's folder. */
    credentials_path: z.string().min(1).optional(),
    /** Location of buckets this backend creates, e.g. `us-east1`. */
    region: z.string().min(1).optional(),
    /** Project of new buckets. Default: the key file's `project_id`, then the SDK's detection. */
    project_id: z.string().min(1).optional(),
  })
  .passthrough();

/** The `gcp_storage:` section. */
export const gcpStorageSectionSchema = z
  .object({
    storage_bucket: z.string().min(1),
    /** JSON API endpoint, e.g. an emulator's `http://127.0.0.1:4443`. Default: Google's. */
    endpoint: z.string().url().optional(),
    /** Bodies larger than this go up as a chunked resumable upload. Default 8 MiB. */
    part_size: z
      .number()
      .int()
      .positive()
      .refine((n) => n % CHUNK_UNIT === 0, { message: `must be a multiple of ${CHUNK_UNIT} (256 KiB)` })
      .default(8 * 2 ** 20),
    ...requestTuningKeys,
    ...retryKeys,
  })
  .strict();

export type GcpSection = z.output<typeof gcpSectionSchema>;
export type GcpStorageSection = z.output<typeof gcpStorageSectionSchema>;
