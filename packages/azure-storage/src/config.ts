import { requestTuningKeys, retryKeys, z } from '@lithops/core/plugin';

/** The `azure_storage:` section (keys as in Lithops). */
export const azureStorageSectionSchema = z
  .object({
    /** Storage account; with `storage_account_key`, or alone to use Azure AD (DefaultAzureCredential). */
    storage_account_name: z.string().min(1).optional(),
    storage_account_key: z.string().min(1).optional(),
    /** A full connection string; takes the place of name + key. */
    connection_string: z.string().min(1).optional(),
    /** Container that holds Lithops' data. */
    storage_bucket: z.string().min(1),
    /** Blob service URL, e.g. Azurite's `http://127.0.0.1:10000/devstoreaccount1`. Default: the account's. */
    endpoint: z.string().url().optional(),
    /** Bodies larger than this are staged as blocks and committed as one blob. Default 8 MiB. */
    part_size: z
      .number()
      .int()
      .positive()
      .max(4000 * 2 ** 20)
      .default(8 * 2 ** 20),
    /** Blocks of one upload in flight at once. */
    upload_concurrency: z.number().int().positive().default(4),
    ...requestTuningKeys,
    ...retryKeys,
  })
  .strict();

export type AzureStorageSection = z.output<typeof azureStorageSectionSchema>;
