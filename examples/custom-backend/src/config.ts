import { z } from '@lithops/core/plugin';

/**
 * The `flat_folder:` section of the config. `z` is the zod v3 API as re-exported by core, so the
 * schema is the kind core validates with; defaults live here, not in the backend's code.
 */
export const flatFolderSectionSchema = z.strictObject({
  /** Folder holding one subfolder per bucket; relative to the config file's folder. */
  root: z.string().min(1).default('./flat-folder-data'),
  /** The bucket Lithops keeps job data in (created on start). */
  storage_bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{0,62}$/, 'lowercase letters, digits, "." and "-"')
    .default('lithops'),
});

export type FlatFolderSection = z.output<typeof flatFolderSectionSchema>;
