import { connectionTimeoutKeys, retryKeys, z } from '@lithops/core/plugin';

/** The `ibm_cos:` section, with Lithops' keys. */
export const ibmCosSectionSchema = z
  .object({
    /** Bucket for Lithops' job data. */
    storage_bucket: z.string().min(1),
    /** Region of the bucket, e.g. `us-east`; gives the public endpoint when `endpoint` is not set. */
    region: z.string().min(1).optional(),
    /** Endpoint URL, e.g. `https://s3.eu-de.cloud-object-storage.appdomain.cloud`. */
    endpoint: z.string().url().optional(),
    /** IAM API key (token auth); or use HMAC keys below. */
    api_key: z.string().min(1).optional(),
    /** Service instance CRN, needed by IAM auth to create buckets. */
    service_instance_id: z.string().min(1).optional(),
    /** HMAC keys. */
    access_key_id: z.string().min(1).optional(),
    secret_access_key: z.string().min(1).optional(),
    ...connectionTimeoutKeys(5),
    ...retryKeys,
  })
  .strict();

export type IbmCosSection = z.output<typeof ibmCosSectionSchema>;
