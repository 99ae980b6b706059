import { defineComputeBackend, parseConfig } from '@lithops/core/plugin';
import { AwsLambdaBackend } from './backend.js';
import { lambdaClient } from './client.js';
import { awsLambdaSectionSchema, awsSectionSchema } from './config.js';

export {
  AwsLambdaBackend,
  type AwsLambdaBackendOptions,
  TAG_KEY,
  TAG_MANAGED,
  TAG_RUNTIME,
} from './backend.js';
export {
  type AwsLambdaSection,
  awsLambdaSectionSchema,
  LAMBDA_EVENT_PAYLOAD_BYTES,
  LAMBDA_MAX_TIMEOUT_SEC,
} from './config.js';
export type { LambdaRuntimeMeta } from './invoke.js';

/** `backend: aws_lambda`: AWS Lambda functions on nodejs22.x, invoked asynchronously. */
export default defineComputeBackend({
  name: 'aws_lambda',
  mode: 'serverless',
  configSchema: awsLambdaSectionSchema,
  create(config, ctx) {
    const aws = parseConfig(awsSectionSchema, ctx.config.aws, {
      source: 'the config',
      section: 'aws',
      backend: 'aws_lambda',
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
    const client = lambdaClient({
      region,
      endpoint: config.endpoint,
      credentials,
      maxSockets: Math.max(64, config.invoke_pool_threads),
    });
    return new AwsLambdaBackend({
      client,
      section: config,
      region,
      config: ctx.config,
      configDir: ctx.configDir,
      storage: ctx.storage,
      log: ctx.log,
    });
  },
});
