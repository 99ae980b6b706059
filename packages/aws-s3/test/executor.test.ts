import { FunctionExecutor } from '@lithops/core';
import { type S3rverHandle, startS3rver } from '@lithops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBackend } from './make.js';

describe('localhost compute with storage: aws_s3', () => {
  let s3: S3rverHandle;

  beforeAll(async () => {
    s3 = await startS3rver({ buckets: ['jobs'] });
  });
  afterAll(() => s3?.stop());

  it('runs a map whose job data goes through S3', async () => {
    const aws = { access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey, region: s3.region };
    const fexec = new FunctionExecutor({
      config: {
        lithops: { backend: 'localhost', storage: 'aws_s3' },
        aws,
        aws_s3: { storage_bucket: 'jobs', endpoint: s3.endpoint },
      },
    });
    try {
      const futures = await fexec.map((x: number) => x * 2, [1, 2, 3, 4]);
      expect(await fexec.getResult(futures)).toEqual([2, 4, 6, 8]);
      // The job's data is in the bucket, under the jobs prefix.
      const backend = await makeBackend({ storage_bucket: 'jobs', endpoint: s3.endpoint }, aws);
      const keys: string[] = [];
      for await (const e of backend.listObjects('jobs', { prefix: 'lithops.jobs/' }))
        if (e.type === 'object') keys.push(e.key);
      await backend[Symbol.asyncDispose]();
      expect(keys.length).toBeGreaterThan(0);
    } finally {
      await fexec.close();
    }
  }, 60_000);
});
