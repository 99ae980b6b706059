import { z } from '@lithops/core/plugin';

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
    /** Seconds to wait for a TCP connection before the attempt fails. */
    connect_timeout: z.number().positive().default(5),
    /** Seconds a request may stay idle before the attempt fails. */
    read_timeout: z.number().positive().default(60),
    /** Retries of a failed request (connection reset, 5xx, throttling), with jittered backoff. */
    retries: z.number().int().nonnegative().default(4),
  })
  .strict();

export type IbmCosSection = z.output<typeof ibmCosSectionSchema>;
