import { FunctionExecutor } from '@lithops/core';
import { jobs } from '@lithops/testkit';
import { describe, expect, it } from 'vitest';

// Real AWS: runs only with LITHOPS_LIVE_AWS=1, an execution role and a bucket (credentials from
// the SDK chain); says so when skipped.
const live =
  process.env.LITHOPS_LIVE_AWS === '1' &&
  process.env.LITHOPS_LIVE_AWS_ROLE &&
  process.env.LITHOPS_LIVE_AWS_BUCKET;
if (!live) {
  console.log(
    '[aws-lambda] live tests skipped: set LITHOPS_LIVE_AWS=1, LITHOPS_LIVE_AWS_ROLE and LITHOPS_LIVE_AWS_BUCKET (credentials from the AWS SDK chain) to run them.',
  );
}

describe.skipIf(!live)('aws_lambda on real AWS', () => {
  it('deploys, runs a map and cleans up', async () => {
    const fexec = new FunctionExecutor({
      config: {
        lithops: { backend: 'aws_lambda', storage: 'aws_s3', execution_timeout: 60 },
        aws_s3: { storage_bucket: process.env.LITHOPS_LIVE_AWS_BUCKET },
        aws_lambda: { execution_role: process.env.LITHOPS_LIVE_AWS_ROLE, runtime: 'lithops-live-test' },
      },
    });
    try {
      const fs = await fexec.map(jobs.double, [1, 2, 3], { timeout: 30 });
      expect(await fexec.getResult(fs)).toEqual([2, 4, 6]);
    } finally {
      await fexec.close();
    }
  }, 600_000);
});
