import { awsClientSettings } from '@lithops/core/internal';
import { defineComputeBackend } from '@lithops/core/plugin';
import { AwsLambdaBackend } from './backend.js';
import { lambdaClient } from './client.js';
import { awsLambdaSectionSchema } from './config.js';

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
  specVersion: 1, // the plugin spec of the @lithops/core this package builds against
  mode: 'serverless',
  configSchema: awsLambdaSectionSchema,
  create(config, ctx) {
    const { region, credentials } = awsClientSettings(ctx.config, 'aws_lambda', config.region);
    const client = lambdaClient({ region, endpoint: config.endpoint, credentials });
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
