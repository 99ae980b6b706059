import { z } from 'zod/v3';
import { parseConfig } from './zod-error.js';

/**
 * The shared `aws:` section (credentials, region) that every AWS backend reads (aws_s3,
 * aws_lambda, ...); other keys belong to other AWS backends, so they are left alone.
 */
const awsSectionSchema = z
  .object({
    access_key_id: z.string().min(1).optional(),
    secret_access_key: z.string().min(1).optional(),
    session_token: z.string().min(1).optional(),
    region: z.string().min(1).optional(),
  })
  .passthrough();

/** Region and credentials for an AWS SDK client. */
export interface AwsClientSettings {
  region: string;
  /** Undefined: the SDK's default chain (env, profile, IAM role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * Reads the `aws:` section of the whole config for `backend`. The region comes from the
 * backend's own section (`region`), then `aws.region`, then AWS_REGION/AWS_DEFAULT_REGION.
 */
export function awsClientSettings(
  config: Readonly<Record<string, unknown>>,
  backend: string,
  region?: string,
): AwsClientSettings {
  const aws = parseConfig(awsSectionSchema, config.aws, { source: 'the config', section: 'aws', backend });
  const settings: AwsClientSettings = {
    region: region ?? aws.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
  };
  // Keys from the config when given; otherwise the SDK's default chain.
  if (aws.access_key_id && aws.secret_access_key) {
    settings.credentials = {
      accessKeyId: aws.access_key_id,
      secretAccessKey: aws.secret_access_key,
      ...(aws.session_token ? { sessionToken: aws.session_token } : {}),
    };
  }
  return settings;
}
