import { S3Client } from '@aws-sdk/client-s3';
import { awsClientSettings } from '@lithops/core/internal';
import { callTuning, defineStorageBackend } from '@lithops/core/plugin';
import { AwsS3Backend } from './backend.js';
import { awsS3SectionSchema } from './config.js';

export { AwsS3Backend, type AwsS3BackendOptions } from './backend.js';
export { type AwsS3Section, awsS3SectionSchema } from './config.js';

/** `storage: aws_s3`: AWS S3, or any S3-compatible endpoint (MinIO, Ceph, s3rver). */
export default defineStorageBackend({
  name: 'aws_s3',
  specVersion: 1, // the plugin spec of the @lithops/core this package builds against
  configSchema: awsS3SectionSchema,
  create(config, ctx) {
    const { region, credentials } = awsClientSettings(ctx.config, 'aws_s3', config.region);
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
        // An idle timeout (no bytes either way), so a long transfer that progresses is never cut.
        socketTimeout: config.read_timeout * 1000,
      },
    });
    return new AwsS3Backend(client, {
      bucket: config.storage_bucket,
      endpointLabel: config.endpoint ?? `s3.${region}.amazonaws.com`,
      ...callTuning(config),
    });
  },
});
