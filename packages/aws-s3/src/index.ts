import { S3Client } from '@aws-sdk/client-s3';
import { defineStorageBackend, parseConfig } from '@lithops/core/plugin';
import { AwsS3Backend } from './backend.js';
import { awsS3SectionSchema, awsSectionSchema } from './config.js';

export { AwsS3Backend, type AwsS3BackendOptions } from './backend.js';
export { type AwsS3Section, type AwsSection, awsS3SectionSchema, awsSectionSchema } from './config.js';

/** `storage: aws_s3`: AWS S3, or any S3-compatible endpoint (MinIO, Ceph, s3rver). */
export default defineStorageBackend({
  name: 'aws_s3',
  configSchema: awsS3SectionSchema,
  create(config, ctx) {
    const aws = parseConfig(awsSectionSchema, ctx.config.aws, {
      source: 'the config',
      section: 'aws',
      backend: 'aws_s3',
    });
    const region =
      config.region ?? aws.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    // Keys from the config when given; otherwise the SDK's default chain (env, profile, IAM role).
    const credentials =
      aws.access_key_id && aws.secret_access_key
        ? {
            accessKeyId: aws.access_key_id,
            secretAccessKey: aws.secret_access_key,
            ...(aws.session_token ? { sessionToken: aws.session_token } : {}),
          }
        : undefined;
    const client = new S3Client({
      region,
      ...(config.endpoint ? { endpoint: config.endpoint, forcePathStyle: true } : {}),
      ...(credentials ? { credentials } : {}),
      // Checksums only where S3 requires them: otherwise streamed bodies get aws-chunked
      // framing that S3-compatible servers store as content.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // One attempt per send: retries are core's withRetries, so they are bounded in one place.
      maxAttempts: 1,
      requestHandler: {
        connectionTimeout: config.connect_timeout * 1000,
        requestTimeout: config.read_timeout * 1000,
      },
    });
    return new AwsS3Backend(client, {
      bucket: config.storage_bucket,
      endpointLabel: config.endpoint ?? `s3.${region}.amazonaws.com`,
      retry: { retries: config.retries, baseMs: 100, maxMs: 2000 },
    });
  },
});
