import {
  type FakeLambda,
  type FakeLambdaStartOptions,
  type S3rverHandle,
  startFakeLambda,
  startS3rver,
} from '@lithops/testkit';

export const BUCKET = 'lithops-test';

/** s3rver for job data and a fake Lambda, as one test environment. */
export interface LambdaEnv {
  s3: S3rverHandle;
  fake: FakeLambda;
  /** The config an executor runs with: aws_lambda on the fake, aws_s3 on s3rver. */
  config(extra?: {
    lithops?: Record<string, unknown>;
    aws_lambda?: Record<string, unknown>;
    [section: string]: unknown;
  }): Record<string, unknown>;
  stop(): Promise<void>;
}

export async function startLambdaEnv(
  opts: FakeLambdaStartOptions & {
    /** Keys s3rver accepts (and the config uses) instead of its built-in ones. */
    s3Credentials?: { accessKeyId: string; secretAccessKey: string };
  } = {},
): Promise<LambdaEnv> {
  const { s3Credentials, ...fakeOptions } = opts;
  const s3 = await startS3rver({
    buckets: [BUCKET],
    ...(s3Credentials ? { credentials: s3Credentials } : {}),
  });
  // The client signs with s3rver's keys (the shared aws: section): the fake verifies every signature.
  const fake = await startFakeLambda({
    knownCredentials: [{ accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }],
    ...fakeOptions,
  });
  return {
    s3,
    fake,
    config: (extra = {}) => {
      const { lithops, aws_lambda, ...rest } = extra;
      return {
        lithops: {
          backend: 'aws_lambda',
          storage: 'aws_s3',
          monitoring_interval: 0.2,
          execution_timeout: 60,
          log_level: 'ERROR',
          ...lithops,
        },
        aws: { access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey, region: 'us-east-1' },
        aws_s3: { storage_bucket: BUCKET, endpoint: s3.endpoint },
        aws_lambda: {
          execution_role: 'arn:aws:iam::123456789012:role/lithops-test',
          endpoint: fake.endpoint,
          runtime_timeout: 900,
          ...aws_lambda,
        },
        ...rest,
      };
    },
    async stop() {
      await fake.stop();
      await s3.stop();
    },
  };
}
