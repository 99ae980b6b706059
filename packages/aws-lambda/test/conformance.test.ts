import { describeComputeBackend } from '@lithops/testkit';
import awsLambda from '../src/index.js';
import { startLambdaEnv } from './setup.js';

describeComputeBackend('aws_lambda (fake Lambda, s3rver)', async () => {
  const env = await startLambdaEnv();
  const { fake } = env;
  return {
    config: env.config(),
    definition: awsLambda,
    platform: {
      throttleNext: (n) => fake.throttleNext(n),
      invokePayloads: () => fake.calls.filter((c) => c.api === 'Invoke').map((c) => c.payload ?? ''),
      deployRequests: () =>
        fake.calls.filter((c) => c.api === 'CreateFunction' || c.api === 'UpdateFunctionCode').length,
      runs: () => fake.runs,
      reset: () => fake.resetRecords(),
      deployments: async () => [...fake.service.functions.keys()],
      killBusy: () => fake.killBusy(),
    },
    teardown: () => env.stop(),
  };
});
