import { connectionTimeoutKeys, retryKeys, z } from '@lithops/core/plugin';

/** The `aws_s3:` section, with Lithops' keys. */
export const awsS3SectionSchema = z
  .object({
    /** Bucket for Lithops' job data. */
    storage_bucket: z.string().min(1),
    /** Region of the bucket; default `aws.region`, then the SDK's (AWS_REGION), then us-east-1. */
    region: z.string().min(1).optional(),
    /** S3-compatible endpoint (MinIO, Ceph, s3rver); addressed path-style. */
    endpoint: z.string().url().optional(),
    ...connectionTimeoutKeys(5),
    ...retryKeys,
  })
  .strict();

export type AwsS3Section = z.output<typeof awsS3SectionSchema>;
